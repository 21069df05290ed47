WITH p AS (SELECT DISTINCT id, name, epoch_ms(date_time) // 10000 AS w FROM person),
     a AS (SELECT DISTINCT seller, epoch_ms(date_time) // 10000 AS w FROM auction)
SELECT p.id, p.name, epoch_ms(p.w * 10000) AS starttime FROM p JOIN a ON p.id = a.seller AND p.w = a.w
