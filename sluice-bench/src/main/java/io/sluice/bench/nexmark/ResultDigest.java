package io.sluice.bench.nexmark;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An order-independent fingerprint of a multiset of rows, so two engines' answers can be compared
 * without holding millions of rows: the total weight plus two 64-bit sums of row hashes, each hash
 * taken over the row's canonical text, weighted. Rows are also kept exactly while there are at most
 * {@code exactLimit} distinct ones, so a mismatch on a small answer can show which rows differ.
 *
 * <p>Canonical values make the two sides' representations meet: every integral number (Integer,
 * Long, an integral DECIMAL or DOUBLE) prints as an integer, other DECIMALs without trailing zeros,
 * DOUBLEs rounded to 12 significant digits, timestamps as epoch microseconds.
 */
public final class ResultDigest {
    private final int exactLimit;
    private long weight;
    private long hashA;
    private long hashB;
    private Map<List<String>, Long> exact = new HashMap<>();

    public ResultDigest(int exactLimit) {
        this.exactLimit = exactLimit;
    }

    /** Adds a row with a weight (negative for a retraction). */
    public void add(Object[] values, long w) {
        List<String> canonical = new ArrayList<>(values.length);
        StringBuilder text = new StringBuilder();
        for (Object v : values) {
            String c = canonical(v);
            canonical.add(c);
            text.append(c).append('\u0001');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        weight += w;
        hashA += w * fnv(bytes);
        hashB += w * mix(fnv(bytes) ^ 0x5851F42D4C957F2DL ^ bytes.length);
        if (exact != null) {
            long now = exact.merge(canonical, w, Long::sum);
            if (now == 0) {
                exact.remove(canonical);
            }
            if (exact.size() > exactLimit) {
                exact = null;
            }
        }
    }

    /** The total weight: the number of rows once every retraction is applied. */
    public long rows() {
        return weight;
    }

    public boolean sameAs(ResultDigest other) {
        return weight == other.weight && hashA == other.hashA && hashB == other.hashB;
    }

    /** Up to {@code max} rows whose weights differ, when both sides were kept exactly; else empty. */
    public List<String> differences(ResultDigest other, int max) {
        List<String> out = new ArrayList<>();
        if (exact == null || other.exact == null) {
            return out;
        }
        Map<List<String>, Long> diff = new HashMap<>(exact);
        other.exact.forEach((row, w) -> diff.merge(row, -w, Long::sum));
        for (Map.Entry<List<String>, Long> e : diff.entrySet()) {
            if (e.getValue() != 0 && out.size() < max) {
                out.add((e.getValue() > 0 ? "only in this (" : "only in the other (") + Math.abs(e.getValue()) + "x): "
                        + e.getKey());
            }
        }
        return out;
    }

    /** The canonical text of one value; see the class comment. */
    static String canonical(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof BigDecimal d) {
            BigDecimal s = d.stripTrailingZeros();
            return s.scale() <= 0 ? s.toBigIntegerExact().toString() : s.toPlainString();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return BigDecimal.valueOf(d).round(new MathContext(12)).stripTrailingZeros().toPlainString();
        }
        if (v instanceof LocalDateTime t) {
            return "ts" + micros(t);
        }
        if (v instanceof Timestamp t) {
            return "ts" + micros(t.toLocalDateTime());
        }
        if (v instanceof OffsetDateTime t) {
            return "ts" + micros(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        }
        return Objects.toString(v);
    }

    private static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + t.getNano() / 1000;
    }

    private static long fnv(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
