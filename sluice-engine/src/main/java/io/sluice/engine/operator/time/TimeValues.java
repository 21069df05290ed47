package io.sluice.engine.operator.time;

import io.sluice.engine.EvaluationException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Arithmetic on the two kinds of time values the engine windows and waterlines accept: TIMESTAMP
 * ({@link LocalDateTime}, with {@link Duration} intervals) and integer timestamps ({@link Long} or
 * {@link Integer}, with {@link Long} intervals in the same unit). Overflow is an
 * {@link EvaluationException}.
 */
final class TimeValues {
    private TimeValues() {
    }

    /** Checks that {@code interval} is a positive interval usable with timestamps of any supported kind. */
    static void checkInterval(Object interval, String what) {
        if (interval instanceof Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
        } else if (interval instanceof Long l) {
            if (l <= 0) {
                throw new IllegalArgumentException(what + " must be positive: " + l);
            }
        } else {
            throw new IllegalArgumentException(what + " must be a Duration or a Long: " + interval);
        }
    }

    /** {@code ts - interval}. */
    static Object minus(Object ts, Object interval) {
        try {
            return toTime(ts, Math.subtractExact(toLong(ts), intervalLong(ts, interval)));
        } catch (ArithmeticException e) {
            throw new EvaluationException("timestamp overflow: " + ts + " - " + interval, e);
        }
    }

    /** {@code ts + interval}. */
    static Object plus(Object ts, Object interval) {
        try {
            return toTime(ts, Math.addExact(toLong(ts), intervalLong(ts, interval)));
        } catch (ArithmeticException e) {
            throw new EvaluationException("timestamp overflow: " + ts + " + " + interval, e);
        }
    }

    /** The timestamp as a long: epoch nanoseconds (UTC) for TIMESTAMP, the value itself otherwise. */
    static long toLong(Object ts) {
        if (ts instanceof LocalDateTime t) {
            try {
                return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000_000L), t.getNano());
            } catch (ArithmeticException e) {
                throw new EvaluationException("timestamp out of the windowing range (years 1678-2261): " + t, e);
            }
        }
        if (ts instanceof Long l) {
            return l;
        }
        if (ts instanceof Integer i) {
            return i;
        }
        throw new EvaluationException("not a timestamp: " + ts.getClass().getSimpleName() + " " + ts);
    }

    /** The interval in the unit of {@code ts}. */
    static long intervalLong(Object ts, Object interval) {
        if (ts instanceof LocalDateTime) {
            if (!(interval instanceof Duration d)) {
                throw new EvaluationException("a TIMESTAMP needs a Duration interval, got " + interval);
            }
            return d.toNanos();
        }
        if (!(interval instanceof Long l)) {
            throw new EvaluationException("an integer timestamp needs a Long interval, got " + interval);
        }
        return l;
    }

    /** A time value of the same kind as {@code like}. */
    static Object toTime(Object like, long value) {
        if (like instanceof LocalDateTime) {
            return LocalDateTime.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L),
                    (int) Math.floorMod(value, 1_000_000_000L), ZoneOffset.UTC);
        }
        if (like instanceof Integer) {
            try {
                return Math.toIntExact(value);
            } catch (ArithmeticException e) {
                throw new EvaluationException("INTEGER timestamp overflow: " + value, e);
            }
        }
        return value;
    }
}
