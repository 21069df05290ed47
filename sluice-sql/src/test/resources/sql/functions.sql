-- ABS, MOD, FLOOR, CEIL, ROUND, POWER, SQRT, SIGN over integers, DECIMAL and DOUBLE; NULL in gives NULL out
program:
CREATE TABLE t (i INT, d DECIMAL(6, 2), f DOUBLE) WITH ('materialized' = 'true');
insert t: -7 | -2.45 | 2.5
insert t: NULL | NULL | NULL
query: SELECT ABS(i) AS a, MOD(i, 3) AS m, ABS(d) AS ad, FLOOR(d) AS fd, CEIL(d) AS cd, ROUND(d, 1) AS rd, ROUND(f) AS rf, POWER(f, 2) AS p, SQRT(f * 10) AS s, SIGN(i) AS sg FROM t ORDER BY i
expect:
7 | -1 | 2.45 | -3 | -2 | -2.50 | 3.0 | 6.25 | 5.0 | -1
NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL
ok
====
-- ABS of the smallest INTEGER overflows: an error, never a wrapped value
program:
CREATE TABLE t (i INT) WITH ('materialized' = 'true');
insert t: -2147483648
query: SELECT ABS(i) AS a FROM t
runtime-error: out of range for INTEGER
====
-- string functions count characters, 1-based; SUBSTRING clips to the string
program:
CREATE TABLE t (s VARCHAR) WITH ('materialized' = 'true');
insert t: Hello World
query: SELECT SUBSTRING(s FROM 7) AS a, SUBSTRING(s FROM 0 FOR 3) AS b, SUBSTRING(s, 10, 99) AS c, POSITION('o' IN s) AS p, POSITION('o' IN s FROM 6) AS p2, POSITION('z' IN s) AS p3, REPLACE(s, 'o', '0') AS r, TRIM(BOTH 'Hd' FROM s) AS t, TRIM(LEADING FROM '  x  ') || '|' AS l, CHAR_LENGTH(s) AS n, CONCAT(s, '!', 'x') AS c2 FROM t
expect:
World | He | ld | 5 | 8 | 0 | Hell0 W0rld | ello Worl | x  | | 11 | Hello World!x
ok
====
-- LIKE: _ is one character, % any run; ESCAPE makes them literal; NOT LIKE; NULL pattern gives NULL
program:
CREATE TABLE t (s VARCHAR) WITH ('materialized' = 'true');
insert t: a_b
insert t: axb
insert t: 100%
insert t: NULL
query: SELECT s, s LIKE 'a_b' AS l1, s LIKE 'a!_b' ESCAPE '!' AS l2, s NOT LIKE '%!%' ESCAPE '!' AS l3 FROM t ORDER BY s
expect:
100% | false | false | false
a_b | true | true | true
axb | true | false | true
NULL | NULL | NULL | NULL
ok
====
-- IN lists, BETWEEN, NULLIF, CASE, COALESCE and IS [NOT] DISTINCT FROM under three-valued logic
program:
CREATE TABLE t (a INT, b INT) WITH ('materialized' = 'true');
insert t: 1 | 1
insert t: 2 | NULL
insert t: 5 | 3
query: SELECT a, a IN (1, 5) AS i, b NOT IN (1, 2) AS ni, a BETWEEN 2 AND 5 AS bt, NULLIF(a, 1) AS nf, COALESCE(b, -a) AS co, b IS DISTINCT FROM 1 AS d, CASE WHEN b > 2 THEN 'big' WHEN b IS NULL THEN 'none' ELSE 'small' END AS c FROM t ORDER BY a
expect:
1 | true | false | false | NULL | 1 | false | small
2 | false | NULL | true | 2 | -2 | true | none
5 | true | true | true | 5 | 3 | true | big
ok
====
-- CAST between numbers, strings, booleans, dates and timestamps; DECIMAL casts round half up
program:
CREATE TABLE t (s VARCHAR, d DECIMAL(6, 3)) WITH ('materialized' = 'true');
insert t: 2024-02-29 | 1.005
query: SELECT CAST(s AS DATE) AS dt, CAST(CAST(s AS DATE) AS TIMESTAMP) AS ts, CAST(d AS DECIMAL(4, 2)) AS d2, CAST(d AS INT) AS i, CAST('12' AS TINYINT) + 1 AS t, CAST(d AS VARCHAR) AS v, CAST('true' AS BOOLEAN) AS b, CAST(CAST('10:30:05' AS TIME) AS VARCHAR) AS tm FROM t
expect:
2024-02-29 | 2024-02-29T00:00 | 1.01 | 1 | 13 | 1.005 | true | 10:30:05
ok
====
-- a bad cast is a runtime error
program:
CREATE TABLE t (s VARCHAR) WITH ('materialized' = 'true');
insert t: abc
query: SELECT CAST(s AS INT) AS i FROM t
runtime-error: cannot cast 'abc' to INTEGER
====
-- SIMILAR TO is refused at compile time
program:
CREATE TABLE t (s VARCHAR);
query: SELECT s SIMILAR TO 'a%' AS x FROM t
error: SIMILAR TO is not supported
====
-- CURRENT_TIMESTAMP is refused in an ad-hoc query: only views read the pipeline's clock input
program:
CREATE TABLE t (ts TIMESTAMP);
query: SELECT ts FROM t WHERE ts > CURRENT_TIMESTAMP
error: not supported in an ad-hoc query
