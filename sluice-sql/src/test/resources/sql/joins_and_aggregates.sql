-- an equi-join never matches NULL keys; the extra non-equi condition filters pairs
program:
CREATE TABLE l (k INT, x INT) WITH ('materialized' = 'true');
CREATE TABLE r (k BIGINT, y INT) WITH ('materialized' = 'true');
insert l: 1 | 10
insert l: NULL | 20
insert l: 2 | 30
insert r: 1 | 5
insert r: NULL | 6
insert r: 2 | 99
query: SELECT l.x, r.y FROM l JOIN r ON l.k = r.k AND r.y < l.x
expect:
10 | 5
ok
====
-- COUNT(col) skips NULLs, SUM of only NULLs is NULL, HAVING filters groups
program:
CREATE TABLE t (g VARCHAR, v INT) WITH ('materialized' = 'true');
insert t: a | 1
insert t: a | NULL
insert t: b | NULL
insert t: b | NULL
insert t: d | 7
insert t: c | 4
insert t: c | 5
query: SELECT g, COUNT(*) AS n, COUNT(v) AS nv, SUM(v) AS s FROM t GROUP BY g HAVING COUNT(*) > 1 ORDER BY g
expect:
a | 2 | 1 | 1
b | 2 | 0 | NULL
c | 2 | 2 | 9
ok
====
-- a global aggregate over an empty table has one row
program:
CREATE TABLE t (v INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW c AS SELECT COUNT(*) AS n, SUM(v) AS s FROM t;
insert t: 1
delete t: 1
query: SELECT n, s FROM c
expect:
0 | NULL
ok
====
-- a primary-key table replaces the row with the same key
program:
CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR) WITH ('materialized' = 'true');
insert p: 1 | old
insert p: 1 | new
query: SELECT id, v FROM p
expect:
1 | new
ok
