-- AVG of a BIGINT is a BIGINT in Sluice SQL (as in Calcite and Feldera): the sum divided by the count, truncated.
WITH winning AS (
    SELECT a.id, a.category, MAX(b.price) AS final
    FROM auction a JOIN bid b ON a.id = b.auction
    WHERE b.date_time >= a.date_time AND b.date_time <= a.expires
    GROUP BY a.id, a.category
)
SELECT category, CAST(TRUNC(SUM(final) / COUNT(final)) AS BIGINT) AS avg_final FROM winning GROUP BY category
