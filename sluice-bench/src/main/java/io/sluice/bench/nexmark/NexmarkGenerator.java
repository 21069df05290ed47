package io.sluice.bench.nexmark;

import io.sluice.engine.algebra.Row;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * Nexmark events (persons, auctions and bids) as rows of the tables {@code person}, {@code auction}
 * and {@code bid}, following the public Nexmark specification and its reference generator (the Beam
 * and Flink Nexmark "GeneratorConfig" model), re-implemented here.
 *
 * <p>Event {@code n} (counting from 0) is a person when {@code n mod 50 == 0}, an auction when it is
 * 1..3 and a bid otherwise: the 1:3:46 proportions. Its timestamp is {@code baseTime + n *
 * 1,000,000 / eventsPerSecond} microseconds, truncated to milliseconds, so timestamps never
 * decrease. Keys are skewed as in the reference generator: half of all bids go to the latest "hot"
 * auction (a multiple of 100 among the auction ids so far), three bids in four come from a hot bidder
 * and three auctions in four from a hot seller; the others pick among the last 1,000 people and the
 * last 100 auctions in flight (plus a lead of 10 ids not generated yet, as the specification does).
 * Ids start at 1000, categories are 10..14.
 *
 * <p>Deterministic: each event draws from its own random stream, seeded by {@code seed} and the
 * event number, so event {@code n} is the same whichever events are generated before it.
 */
public final class NexmarkGenerator implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** What an event is. */
    public enum Kind {
        PERSON, AUCTION, BID
    }

    /** One event: which table it belongs to and its row in that table's column order. */
    public record Event(Kind kind, Row row) {
    }

    static final int PERSON_PROPORTION = 1;
    static final int AUCTION_PROPORTION = 3;
    static final int TOTAL_PROPORTION = 50;
    static final long FIRST_PERSON_ID = 1000;
    static final long FIRST_AUCTION_ID = 1000;
    static final long FIRST_CATEGORY_ID = 10;
    static final int NUM_CATEGORIES = 5;
    static final int NUM_ACTIVE_PEOPLE = 1000;
    static final int NUM_IN_FLIGHT_AUCTIONS = 100;
    static final int PERSON_ID_LEAD = 10;
    static final int AUCTION_ID_LEAD = 10;
    static final int HOT_AUCTION_RATIO = 2;
    static final int HOT_BIDDER_RATIO = 4;
    static final int HOT_SELLER_RATIO = 4;
    static final int HOT_ID_STRIDE = 100;
    static final int AVG_PERSON_BYTES = 200;
    static final int AVG_AUCTION_BYTES = 500;
    static final int AVG_BID_BYTES = 100;

    private static final String[] US_STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
    private static final String[] US_CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
        "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"};
    private static final String[] FIRST_NAMES = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie",
        "Sarah", "Deiter", "Walter"};
    private static final String[] LAST_NAMES = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith",
        "Jones", "Noris"};
    private static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
    private static final int CHANNELS = 10_000;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** 2024-01-01T00:00:00, the default base time. */
    public static final long DEFAULT_BASE_TIME_MS = 1_704_067_200_000L;

    private final long seed;
    private final long baseTimeMs;
    private final long eventsPerSecond;

    /** A generator at the specification's default rate of 10,000 events per second of event time. */
    public NexmarkGenerator(long seed) {
        this(seed, DEFAULT_BASE_TIME_MS, 10_000);
    }

    public NexmarkGenerator(long seed, long baseTimeMs, long eventsPerSecond) {
        if (eventsPerSecond <= 0 || eventsPerSecond > 1_000_000) {
            throw new IllegalArgumentException("eventsPerSecond must be in 1..1,000,000: " + eventsPerSecond);
        }
        this.seed = seed;
        this.baseTimeMs = baseTimeMs;
        this.eventsPerSecond = eventsPerSecond;
    }

    /** The kind of event number {@code n}. */
    public static Kind kind(long n) {
        long rem = n % TOTAL_PROPORTION;
        return rem < PERSON_PROPORTION ? Kind.PERSON
                : rem < PERSON_PROPORTION + AUCTION_PROPORTION ? Kind.AUCTION : Kind.BID;
    }

    /** The event time of event number {@code n}, in milliseconds since the epoch. */
    public long timestampMs(long n) {
        return baseTimeMs + Math.multiplyExact(n, 1_000_000L / eventsPerSecond) / 1000;
    }

    /** Event number {@code n}. */
    public Event event(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("event number must be >= 0: " + n);
        }
        SplittableRandom random = new SplittableRandom(mix(seed * GOLDEN + n));
        long time = timestampMs(n);
        return switch (kind(n)) {
            case PERSON -> new Event(Kind.PERSON, person(n, random, time));
            case AUCTION -> new Event(Kind.AUCTION, auction(n, random, time));
            case BID -> new Event(Kind.BID, bid(n, random, time));
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** person(id, name, emailAddress, creditCard, city, state, date_time, extra). */
    private Row person(long n, SplittableRandom random, long time) {
        long id = lastBase0PersonId(n) + FIRST_PERSON_ID;
        String name = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + " "
                + LAST_NAMES[random.nextInt(LAST_NAMES.length)];
        String email = string(random, 7) + "@" + string(random, 5) + ".com";
        StringBuilder card = new StringBuilder(19);
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                card.append(' ');
            }
            String digits = Integer.toString(random.nextInt(10_000));
            card.append("0".repeat(4 - digits.length())).append(digits);
        }
        String city = US_CITIES[random.nextInt(US_CITIES.length)];
        String state = US_STATES[random.nextInt(US_STATES.length)];
        int size = 8 + name.length() + email.length() + card.length() + city.length() + state.length();
        return Row.wrap(new Object[] {id, name, email, card.toString(), city, state, time(time),
            extra(random, size, AVG_PERSON_BYTES)});
    }

    /** auction(id, itemName, description, initialBid, reserve, date_time, expires, seller, category, extra). */
    private Row auction(long n, SplittableRandom random, long time) {
        long id = lastBase0AuctionId(n) + FIRST_AUCTION_ID;
        long seller = random.nextInt(HOT_SELLER_RATIO) > 0
                ? (lastBase0PersonId(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE
                : nextBase0PersonId(n, random);
        seller += FIRST_PERSON_ID;
        long category = FIRST_CATEGORY_ID + random.nextInt(NUM_CATEGORIES);
        long initialBid = price(random);
        long expires = time + auctionLengthMs(n, random, time);
        String itemName = string(random, 20);
        String description = string(random, 100);
        long reserve = initialBid + price(random);
        int size = 8 + itemName.length() + description.length() + 8 + 8 + 8 + 8 + 8;
        return Row.wrap(new Object[] {id, itemName, description, initialBid, reserve, time(time), time(expires),
            seller, category, extra(random, size, AVG_AUCTION_BYTES)});
    }

    /** bid(auction, bidder, price, channel, url, date_time, extra). */
    private Row bid(long n, SplittableRandom random, long time) {
        long auction = random.nextInt(HOT_AUCTION_RATIO) > 0
                ? (lastBase0AuctionId(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE
                : nextBase0AuctionId(n, random);
        auction += FIRST_AUCTION_ID;
        long bidder = random.nextInt(HOT_BIDDER_RATIO) > 0
                ? (lastBase0PersonId(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE + 1
                : nextBase0PersonId(n, random);
        bidder += FIRST_PERSON_ID;
        long price = price(random);
        String channel;
        String url;
        if (random.nextInt(2) > 0) {
            int i = random.nextInt(HOT_CHANNELS.length);
            channel = HOT_CHANNELS[i];
            url = "https://www.nexmark.com/" + channel.toLowerCase(java.util.Locale.ROOT) + "/item.htm?query=1";
        } else {
            int c = random.nextInt(CHANNELS);
            channel = "channel-" + c;
            url = "https://www.nexmark.com/" + string(random, 5, '_') + "/" + string(random, 5, '_')
                    + "/item.htm?query=1&channel_id=" + c;
        }
        return Row.wrap(new Object[] {auction, bidder, price, channel, url, time(time),
            extra(random, 32, AVG_BID_BYTES)});
    }

    static long lastBase0PersonId(long n) {
        long epoch = n / TOTAL_PROPORTION;
        long offset = Math.min(n % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
        return epoch * PERSON_PROPORTION + offset;
    }

    static long lastBase0AuctionId(long n) {
        long epoch = n / TOTAL_PROPORTION;
        long offset = n % TOTAL_PROPORTION;
        if (offset < PERSON_PROPORTION) {
            epoch--;
            offset = AUCTION_PROPORTION - 1;
        } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
            offset = AUCTION_PROPORTION - 1;
        } else {
            offset -= PERSON_PROPORTION;
        }
        return Math.max(epoch * AUCTION_PROPORTION + offset, 0);
    }

    private static long nextBase0PersonId(long n, SplittableRandom random) {
        long people = lastBase0PersonId(n) + 1;
        long active = Math.min(people, NUM_ACTIVE_PEOPLE);
        return people - active + random.nextLong(active + PERSON_ID_LEAD);
    }

    private static long nextBase0AuctionId(long n, SplittableRandom random) {
        long max = lastBase0AuctionId(n);
        long min = Math.max(max - NUM_IN_FLIGHT_AUCTIONS, 0);
        return min + random.nextLong(max - min + 1 + AUCTION_ID_LEAD);
    }

    /** Up to twice the event time it takes to create NUM_IN_FLIGHT_AUCTIONS more auctions. */
    private long auctionLengthMs(long n, SplittableRandom random, long time) {
        long eventsForAuctions = (long) NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION / AUCTION_PROPORTION;
        long horizon = timestampMs(n + eventsForAuctions) - time;
        return 1 + random.nextLong(Math.max(horizon * 2, 1));
    }

    /** A price in cents, log-uniform over 1.00 .. 1,000,000.00. */
    private static long price(SplittableRandom random) {
        return Math.round(Math.pow(10.0, random.nextDouble() * 6.0) * 100.0);
    }

    private static String string(SplittableRandom random, int maxLength) {
        return string(random, maxLength, ' ');
    }

    /** 3 to maxLength-1 lower-case letters, one in 13 replaced by {@code special}, trimmed. */
    private static String string(SplittableRandom random, int maxLength, char special) {
        int length = 3 + random.nextInt(maxLength - 3);
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = random.nextInt(13) == 0 ? special : (char) ('a' + random.nextInt(26));
        }
        return new String(chars).trim();
    }

    /** Padding that brings the event to about {@code average} bytes, within 20%. */
    private static String extra(SplittableRandom random, int size, int average) {
        if (size > average) {
            return "";
        }
        int wanted = average - size;
        int delta = (int) Math.round(wanted * 0.2);
        int length = wanted - delta + (delta == 0 ? 0 : random.nextInt(2 * delta));
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private static LocalDateTime time(long epochMs) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMs, 1000), (int) Math.floorMod(epochMs, 1000) * 1_000_000,
                ZoneOffset.UTC);
    }
}
