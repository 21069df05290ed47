-- FLOOR/CEIL to WEEK: weeks start on Sunday (Calcite and Feldera); a value already on a week start stays; DATE_TRUNC agrees
program:
CREATE TABLE t (ts TIMESTAMP, d DATE) WITH ('materialized' = 'true');
insert t: 2024-01-03 10:00:00 | 2024-01-03
insert t: 2024-01-07 00:00:00 | 2024-01-06
insert t: 2024-01-01 12:00:00 | 2023-12-31
insert t: NULL | NULL
query: SELECT FLOOR(ts TO WEEK) AS a, CEIL(ts TO WEEK) AS b, FLOOR(d TO WEEK) AS c, CEIL(d TO WEEK) AS e, DATE_TRUNC(ts, WEEK) AS f FROM t ORDER BY ts
expect:
2023-12-31T00:00 | 2024-01-07T00:00 | 2023-12-31 | 2023-12-31 | 2023-12-31T00:00
2023-12-31T00:00 | 2024-01-07T00:00 | 2023-12-31 | 2024-01-07 | 2023-12-31T00:00
2024-01-07T00:00 | 2024-01-07T00:00 | 2023-12-31 | 2024-01-07 | 2024-01-07T00:00
NULL | NULL | NULL | NULL | NULL
ok
====
-- SUM and AVG of REAL: the exact sum of the values rounded once to REAL (float additions would lose the two 1s next to 2^24); AVG is fractional
program:
CREATE TABLE t (g INT, r REAL) WITH ('materialized' = 'true');
insert t: 1 | 0.1
insert t: 1 | 0.2
insert t: 2 | 16777216
insert t: 2 | 1
insert t: 2 | 1
insert t: 3 | NULL
query: SELECT g, SUM(r) AS s, AVG(r) AS a, COUNT(r) AS n FROM t GROUP BY g ORDER BY g
expect:
1 | 0.3 | 0.15 | 2
2 | 1.6777218E7 | 5592406.0 | 3
3 | NULL | NULL | 0
ok
====
-- SUM of REAL beyond REAL's range is an overflow error, not an infinity
program:
CREATE TABLE t (r REAL) WITH ('materialized' = 'true');
insert t: 3.0E38
insert t: 3.0E38
query: SELECT SUM(r) AS s FROM t
runtime-error: SUM overflows REAL
