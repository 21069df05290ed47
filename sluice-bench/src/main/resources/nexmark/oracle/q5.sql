WITH windowed AS (
    SELECT b.auction, (epoch_ms(b.date_time) // 2000 - k.range) * 2000 AS start_ms
    FROM bid b CROSS JOIN range(0, 5) k
), counts AS (
    SELECT auction, start_ms, COUNT(*) AS num FROM windowed GROUP BY auction, start_ms
), maxima AS (
    SELECT start_ms, MAX(num) AS maxn FROM counts GROUP BY start_ms
)
SELECT c.auction, c.num FROM counts c JOIN maxima m ON c.start_ms = m.start_ms AND c.num >= m.maxn
