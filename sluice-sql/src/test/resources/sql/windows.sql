-- window aggregates over a RANGE INTERVAL frame: peers (equal timestamps) share their frame, a NULL
-- timestamp's frame is the NULL rows of its partition, NULL arguments are skipped (COUNT(*) counts them)
program:
CREATE TABLE e (p VARCHAR, ts TIMESTAMP, x INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW w AS SELECT p, ts, x,
    SUM(x) OVER h AS s, COUNT(*) OVER h AS c, COUNT(x) OVER h AS cx, MIN(x) OVER h AS mn, MAX(x) OVER h AS mx,
    AVG(x) OVER h AS a
    FROM e WINDOW h AS (PARTITION BY p ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);
insert e: a | 2024-01-01 10:00:00 | 1
insert e: a | 2024-01-01 10:30:00 | 2
insert e: a | 2024-01-01 10:30:00 | 4
insert e: a | 2024-01-01 11:00:00 | NULL
insert e: a | 2024-01-01 11:30:01 | 8
insert e: a | NULL | 16
insert e: a | NULL | 32
insert e: b | 2024-01-01 10:15:00 | 64
query: SELECT p, ts, x, s, c, cx, mn, mx, a FROM w
expect:
a | 2024-01-01T10:00 | 1 | 1 | 1 | 1 | 1 | 1 | 1
a | 2024-01-01T10:30 | 2 | 7 | 3 | 3 | 1 | 4 | 2
a | 2024-01-01T10:30 | 4 | 7 | 3 | 3 | 1 | 4 | 2
a | 2024-01-01T11:00 | NULL | 7 | 4 | 3 | 1 | 4 | 2
a | 2024-01-01T11:30:01 | 8 | 8 | 2 | 1 | 8 | 8 | 8
a | NULL | 16 | 48 | 2 | 2 | 16 | 32 | 24
a | NULL | 32 | 48 | 2 | 2 | 16 | 32 | 24
b | 2024-01-01T10:15 | 64 | 64 | 1 | 1 | 64 | 64 | 64
ok
delete e: a | 2024-01-01 10:30:00 | 4
insert e: a | 2024-01-01 10:59:59 | 100
query: SELECT p, ts, x, s, c, cx, mn, mx, a FROM w
expect:
a | 2024-01-01T10:00 | 1 | 1 | 1 | 1 | 1 | 1 | 1
a | 2024-01-01T10:30 | 2 | 3 | 2 | 2 | 1 | 2 | 1
a | 2024-01-01T10:59:59 | 100 | 103 | 3 | 3 | 1 | 100 | 34
a | 2024-01-01T11:00 | NULL | 103 | 4 | 3 | 1 | 100 | 34
a | 2024-01-01T11:30:01 | 8 | 108 | 3 | 2 | 8 | 100 | 54
a | NULL | 16 | 48 | 2 | 2 | 16 | 32 | 24
a | NULL | 32 | 48 | 2 | 2 | 16 | 32 | 24
b | 2024-01-01T10:15 | 64 | 64 | 1 | 1 | 64 | 64 | 64
ok
delete e: b | 2024-01-01 10:15:00 | 64
delete e: a | NULL | 16
delete e: a | NULL | 32
query: SELECT p, ts, x, s FROM w WHERE p = 'b' OR ts IS NULL
expect:
ok
====
-- integer ORDER BY: RANGE n PRECEDING, descending (the frame is the rows up to n above), the default
-- frame with ORDER BY (RANGE UNBOUNDED PRECEDING, NULLs last so their frame is every row), and no ORDER BY
program:
CREATE TABLE t (p INT, n BIGINT, x INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW w AS SELECT n, x,
    SUM(x) OVER (PARTITION BY p ORDER BY n RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS s2,
    SUM(x) OVER (PARTITION BY p ORDER BY n DESC RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS sd,
    SUM(x) OVER (PARTITION BY p ORDER BY n) AS su,
    SUM(x) OVER (PARTITION BY p) AS sp
    FROM t;
insert t: 1 | NULL | 1
insert t: 1 | NULL | 2
insert t: 1 | 1 | 4
insert t: 1 | 2 | 8
insert t: 1 | 5 | 16
insert t: 1 | 5 | 32
query: SELECT n, x, s2, sd, su, sp FROM w
expect:
1 | 4 | 4 | 12 | 4 | 63
2 | 8 | 12 | 8 | 12 | 63
5 | 16 | 48 | 48 | 60 | 63
5 | 32 | 48 | 48 | 60 | 63
NULL | 1 | 3 | 3 | 63 | 63
NULL | 2 | 3 | 3 | 63 | 63
ok
delete t: 1 | 1 | 4
query: SELECT n, x, s2, sd, su, sp FROM w
expect:
2 | 8 | 8 | 8 | 8 | 59
5 | 16 | 48 | 48 | 56 | 59
5 | 32 | 48 | 48 | 56 | 59
NULL | 1 | 3 | 3 | 59 | 59
NULL | 2 | 3 | 3 | 59 | 59
ok
====
-- a window aggregate can be filtered and read by an outer query, and its argument can be an expression
program:
CREATE TABLE t (n INT, x INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW w AS SELECT n, s FROM
    (SELECT n, SUM(x * 10) OVER (ORDER BY n RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t) WHERE s > 30;
insert t: 1 | 1
insert t: 2 | 2
insert t: 3 | 3
query: SELECT n, s FROM w
expect:
3 | 50
ok
====
-- ROWS frames, FOLLOWING bounds, other functions and non-integer ORDER BY are refused with what is supported
program:
CREATE TABLE t (n INT, x INT);
CREATE VIEW v AS SELECT SUM(x) OVER (ORDER BY n ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t;
error: ROWS frames are not supported
====
program:
CREATE TABLE t (n INT, x INT);
CREATE VIEW v AS SELECT SUM(x) OVER (ORDER BY n RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s FROM t;
error: AND CURRENT ROW
====
program:
CREATE TABLE t (n DOUBLE, x INT);
CREATE VIEW v AS SELECT SUM(x) OVER (ORDER BY n RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t;
error: TIMESTAMP or integer ORDER BY
====
program:
CREATE TABLE t (n INT, x INT);
CREATE VIEW v AS SELECT STDDEV_POP(x) OVER (ORDER BY n) AS s FROM t;
error: window function STDDEV_POP
====
program:
CREATE TABLE t (ts TIMESTAMP, x INT);
CREATE VIEW v AS SELECT SUM(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' MONTH PRECEDING AND CURRENT ROW) AS s FROM t;
error: day-time INTERVAL
====
-- GROUP BY TUMBLE / HOP with TUMBLE_START, TUMBLE_END, HOP_START, HOP_END (Nexmark q7's form);
-- a row with a NULL timestamp is in the NULL window
program:
CREATE TABLE e (ts TIMESTAMP, v INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW tw AS SELECT TUMBLE_START(ts, INTERVAL '1' HOUR) AS s, TUMBLE_END(ts, INTERVAL '1' HOUR) AS e,
    COUNT(*) AS n, SUM(v) AS total FROM e GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);
CREATE MATERIALIZED VIEW hw AS SELECT HOP_START(ts, INTERVAL '30' MINUTE, INTERVAL '1' HOUR) AS s,
    HOP_END(ts, INTERVAL '30' MINUTE, INTERVAL '1' HOUR) AS e, COUNT(*) AS n
    FROM e GROUP BY HOP(ts, INTERVAL '30' MINUTE, INTERVAL '1' HOUR);
insert e: 2024-01-01 10:10:00 | 1
insert e: 2024-01-01 10:50:00 | 2
insert e: 2024-01-01 11:05:00 | 4
insert e: NULL | 8
query: SELECT s, e, n, total FROM tw
expect:
2024-01-01T10:00 | 2024-01-01T11:00 | 2 | 3
2024-01-01T11:00 | 2024-01-01T12:00 | 1 | 4
NULL | NULL | 1 | 8
ok
query: SELECT s, e, n FROM hw
expect:
2024-01-01T09:30 | 2024-01-01T10:30 | 1
2024-01-01T10:00 | 2024-01-01T11:00 | 2
2024-01-01T10:30 | 2024-01-01T11:30 | 2
2024-01-01T11:00 | 2024-01-01T12:00 | 1
NULL | NULL | 1
ok
delete e: 2024-01-01 10:50:00 | 2
query: SELECT s, e, n, total FROM tw
expect:
2024-01-01T10:00 | 2024-01-01T11:00 | 1 | 1
2024-01-01T11:00 | 2024-01-01T12:00 | 1 | 4
NULL | NULL | 1 | 8
ok
====
-- Nexmark q7's shape: the bids at the highest price of each 10-second window, matched back through
-- TUMBLE_END and an inclusive BETWEEN (a bid exactly at a window's end also matches that window)
program:
CREATE TABLE bid (auction BIGINT, price BIGINT, date_time TIMESTAMP NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW q7 AS SELECT B.auction, B.price FROM bid B
JOIN (SELECT MAX(B1.price) AS maxprice, TUMBLE_END(B1.date_time, INTERVAL '10' SECOND) AS date_time
      FROM bid B1 GROUP BY TUMBLE(B1.date_time, INTERVAL '10' SECOND)) B1
ON B.price = B1.maxprice
WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND B1.date_time;
insert bid: 1 | 10 | 2024-01-01 00:00:01
insert bid: 2 | 30 | 2024-01-01 00:00:05
insert bid: 3 | 20 | 2024-01-01 00:00:12
insert bid: 4 | 20 | 2024-01-01 00:00:15
insert bid: 5 | 5 | 2024-01-01 00:00:25
query: SELECT auction, price FROM q7
expect:
2 | 30
3 | 20
4 | 20
5 | 5
ok
delete bid: 2 | 30 | 2024-01-01 00:00:05
insert bid: 6 | 10 | 2024-01-01 00:00:10
query: SELECT auction, price FROM q7
expect:
1 | 10
6 | 10
3 | 20
4 | 20
5 | 5
ok
