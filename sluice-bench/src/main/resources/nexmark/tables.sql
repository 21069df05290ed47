-- The Nexmark tables, as Feldera's benchmark declares them (all columns nullable but date_time).
CREATE TABLE person (
    id BIGINT,
    name VARCHAR,
    emailAddress VARCHAR,
    creditCard VARCHAR,
    city VARCHAR,
    state VARCHAR,
    date_time TIMESTAMP(3) NOT NULL,
    extra VARCHAR
);

CREATE TABLE auction (
    id BIGINT,
    itemName VARCHAR,
    description VARCHAR,
    initialBid BIGINT,
    reserve BIGINT,
    date_time TIMESTAMP(3) NOT NULL,
    expires TIMESTAMP(3),
    seller BIGINT,
    category BIGINT,
    extra VARCHAR
);

CREATE TABLE bid (
    auction BIGINT,
    bidder BIGINT,
    price BIGINT,
    channel VARCHAR,
    url VARCHAR,
    date_time TIMESTAMP(3) NOT NULL,
    extra VARCHAR
);
