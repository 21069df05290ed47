-- DATE, TIME and TIMESTAMP columns; EXTRACT, FLOOR/CEIL to a unit, DATE_TRUNC
program:
CREATE TABLE t (d DATE, tm TIME, ts TIMESTAMP) WITH ('materialized' = 'true');
insert t: 2024-02-29 | 13:45:30 | 2024-05-17 13:45:30.250
insert t: NULL | NULL | NULL
query: SELECT EXTRACT(YEAR FROM d) AS y, EXTRACT(DOW FROM d) AS dow, EXTRACT(DOY FROM d) AS doy, EXTRACT(QUARTER FROM ts) AS q, EXTRACT(HOUR FROM tm) AS h, EXTRACT(MILLISECOND FROM ts) AS ms, FLOOR(ts TO HOUR) AS fh, CEIL(ts TO DAY) AS cd, FLOOR(d TO MONTH) AS fm, DATE_TRUNC(ts, YEAR) AS ty FROM t ORDER BY d
expect:
2024 | 5 | 60 | 2 | 13 | 30250 | 2024-05-17T13:00 | 2024-05-18T00:00 | 2024-02-01 | 2024-01-01T00:00
NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL
ok
====
-- date and timestamp arithmetic with day-time and year-month intervals; TIMESTAMPDIFF and TIMESTAMPADD
program:
CREATE TABLE t (d DATE, ts TIMESTAMP, ts2 TIMESTAMP) WITH ('materialized' = 'true');
insert t: 2024-01-31 | 2024-01-31 23:30:00 | 2024-03-01 00:15:00
query: SELECT d + INTERVAL '1' MONTH AS m, d - INTERVAL '2' DAY AS dd, ts + INTERVAL '45' MINUTE AS tp, ts - INTERVAL '1-1' YEAR TO MONTH AS ym, TIMESTAMPDIFF(MINUTE, ts, ts2) AS dm, TIMESTAMPDIFF(MONTH, ts, ts2) AS mo, TIMESTAMPDIFF(DAY, ts2, ts) AS neg, TIMESTAMPADD(HOUR, 3, ts) AS ta, EXTRACT(HOUR FROM (ts2 - ts) HOUR TO SECOND) AS h FROM t
expect:
2024-02-29 | 2024-01-29 | 2024-02-01T00:15 | 2022-12-31T23:30 | 41805 | 1 | -29 | 2024-02-01T02:30 | 0
ok
====
-- an interval cannot be a view column
program:
CREATE TABLE t (ts TIMESTAMP, ts2 TIMESTAMP);
CREATE VIEW v AS SELECT (ts2 - ts) DAY AS x FROM t;
error: an interval can be used inside expressions but not stored in a column
====
-- REAL is single precision; CHAR(n) pads with blanks and compares ignoring trailing blanks
program:
CREATE TABLE t (r REAL, c CHAR(4), v VARCHAR(4)) WITH ('materialized' = 'true');
insert t: 0.1 | ab | ab
query: SELECT r, r * 2 AS r2, CAST(r AS DOUBLE) = 0.1 AS exact, c || '|' AS padded, c = 'ab' AS eq, c = v AS eqv, CHAR_LENGTH(c) AS n FROM t
expect:
0.1 | 0.2 | false | ab  | | true | true | 4
ok
====
-- VARBINARY values: hex literals, concatenation, comparison, SUBSTRING and casts from strings
program:
CREATE TABLE t (b VARBINARY) WITH ('materialized' = 'true');
insert t: ab
query: SELECT x'0aff' || x'01' AS c, x'0aff' > x'0a' AS gt, SUBSTRING(x'0a0b0c' FROM 2 FOR 1) AS s, OCTET_LENGTH(b) AS n, CAST('A' AS VARBINARY) AS a FROM t
expect:
0aff01 | true | 0b | 2 | 41
ok
====
-- ARRAY values: constructor, 1-based element access (out of range is NULL), CARDINALITY, NULL elements
program:
CREATE TABLE t (a INT, b INT) WITH ('materialized' = 'true');
insert t: 1 | NULL
query: SELECT ARRAY[a, b, 3] AS arr, ARRAY[a, b, 3][1] AS first, ARRAY[a, 2][5] AS missing, CARDINALITY(ARRAY[a, b]) AS n FROM t
expect:
[1, null, 3] | 1 | NULL | 2
ok
====
-- an ARRAY column in a table
program:
CREATE TABLE t (id INT, tags VARCHAR ARRAY);
CREATE MATERIALIZED VIEW v AS SELECT id, CARDINALITY(tags) AS n, tags[2] AS tag2 FROM t;
query: SELECT * FROM v
expect:
ok
====
-- CHAR(n) in joins: keys compare as in WHERE (trailing blanks ignored), REAL keys join numerically
program:
CREATE TABLE a (c CHAR(4), r REAL) WITH ('materialized' = 'true');
CREATE TABLE b (v VARCHAR, c2 CHAR(2), i INT) WITH ('materialized' = 'true');
insert a: ab | 1.5
insert b: ab | ab | 1
query: SELECT a.c || '|' AS x, a.c = b.c2 AS eq FROM a JOIN b ON a.c = b.c2
expect:
ab  | | true
ok
====
-- a REAL join key equals an INT only when the values are equal
program:
CREATE TABLE a (r REAL) WITH ('materialized' = 'true');
CREATE TABLE b (i INT) WITH ('materialized' = 'true');
insert a: 1.5
insert a: 2
insert b: 1
insert b: 2
query: SELECT a.r, b.i FROM a JOIN b ON a.r = b.i
expect:
2.0 | 2
ok
