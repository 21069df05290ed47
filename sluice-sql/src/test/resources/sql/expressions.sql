-- NULL propagates through arithmetic; WHERE keeps only TRUE rows (NULL > 1 is UNKNOWN)
program:
CREATE TABLE t (a INT, b INT) WITH ('materialized' = 'true');
insert t: 1 | 2
insert t: NULL | 5
insert t: 3 | NULL
query: SELECT a + b AS s FROM t WHERE a > 1 OR b > 1
expect:
3
NULL
NULL
ok
====
-- three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE
program:
CREATE TABLE t (a INT, b BOOLEAN) WITH ('materialized' = 'true');
insert t: 0 | NULL
insert t: 2 | NULL
query: SELECT a, (a > 1) AND b AS x, (a > 1) OR b AS y FROM t ORDER BY a
expect:
0 | false | NULL
2 | NULL | true
ok
====
-- DECIMAL arithmetic is exact at the scale Calcite derives
program:
CREATE TABLE t (d DECIMAL(8, 2)) WITH ('materialized' = 'true');
insert t: 0.10
insert t: 0.20
query: SELECT SUM(d) AS s FROM t
expect:
0.30
ok
====
-- integer division truncates toward zero, as in SQL
program:
CREATE TABLE t (a INT, b INT) WITH ('materialized' = 'true');
insert t: -7 | 2
query: SELECT a / b AS q, a % b AS r FROM t
expect:
-3 | -1
ok
====
-- CASE over strings of different lengths is VARCHAR, not blank-padded CHAR
program:
CREATE TABLE t (a INT) WITH ('materialized' = 'true');
insert t: 1
insert t: 9
query: SELECT CASE WHEN a > 5 THEN 'big' ELSE 'x' END || '!' AS c FROM t ORDER BY a
expect:
x!
big!
ok
====
-- a view is a set of rows: its ORDER BY is ignored (and its hidden sort column dropped)
program:
CREATE TABLE t (a INT, b INT);
CREATE MATERIALIZED VIEW v AS SELECT a FROM t ORDER BY b DESC;
insert t: 1 | 3
insert t: 2 | 1
insert t: 1 | 5
query: SELECT a FROM v ORDER BY a
expect:
1
1
2
ok
====
-- ad-hoc queries read only materialized relations
program:
CREATE TABLE t (a INT);
query: SELECT a FROM t
error: not materialized
====
-- subtraction is arithmetic (Calcite's SqlKind.MINUS), not the set operator: it once was refused
program:
CREATE TABLE t (a BIGINT, b INT) WITH ('materialized' = 'true');
insert t: 10 | 3
insert t: NULL | 1
query: SELECT a - b AS d, b - 7 AS e FROM t ORDER BY b
expect:
NULL | -6
7 | -4
ok
