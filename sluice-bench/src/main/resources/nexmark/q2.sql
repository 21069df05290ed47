-- Query 2: selection. The bids on a few auctions (every 123rd id).
CREATE VIEW q2 AS
SELECT auction, price FROM bid WHERE auction % 123 = 0;
