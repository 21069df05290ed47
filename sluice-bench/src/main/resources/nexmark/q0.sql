-- Query 0: pass-through. Measures the cost of reading and emitting every bid.
CREATE VIEW q0 AS
SELECT auction, bidder, price, date_time, extra FROM bid;
