WITH maxima AS (
    SELECT MAX(price) AS maxprice, epoch_ms((epoch_ms(date_time) // 10000) * 10000 + 10000) AS window_end
    FROM bid GROUP BY epoch_ms(date_time) // 10000
)
SELECT b.auction, b.price, b.bidder, b.date_time, b.extra
FROM bid b JOIN maxima m ON b.price = m.maxprice
WHERE b.date_time >= m.window_end - INTERVAL 10 SECOND AND b.date_time <= m.window_end
