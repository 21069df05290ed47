-- Orders and customers; revenue per customer and per region, kept up to date as rows arrive.
CREATE TABLE customers (
    id BIGINT NOT NULL PRIMARY KEY,
    name VARCHAR,
    region VARCHAR
) WITH ('materialized' = 'true');

CREATE TABLE orders (
    order_id BIGINT NOT NULL PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    amount DECIMAL(12, 2),
    placed_at TIMESTAMP
) WITH ('materialized' = 'true');

-- Orders of 100.00 or more.
CREATE VIEW large_orders AS
SELECT order_id, customer_id, amount FROM orders WHERE amount >= 100;

-- Order count and revenue per customer.
CREATE MATERIALIZED VIEW revenue_by_customer AS
SELECT c.id, c.name, COUNT(*) AS orders, SUM(o.amount) AS revenue
FROM orders o JOIN customers c ON o.customer_id = c.id
GROUP BY c.id, c.name;

-- Revenue per region.
CREATE MATERIALIZED VIEW revenue_by_region AS
SELECT c.region, SUM(o.amount) AS revenue
FROM orders o JOIN customers c ON o.customer_id = c.id
GROUP BY c.region;
