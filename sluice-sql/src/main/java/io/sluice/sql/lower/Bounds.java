package io.sluice.sql.lower;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.CircuitBuilder.Retain;
import io.sluice.engine.circuit.CircuitBuilder.Stream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The waterline bounds known for the columns of the streams of one circuit being built: how a
 * column's LATENESS travels through the plan so that stateful operators can forget old state.
 *
 * <p>A {@link Bound} of a column says that every change the stream carries from the next step on
 * has that column NULL or at least {@code bound(W)}, W being the current value of a table's
 * waterline (max timestamp - LATENESS). A table's LATENESS column has the identity bound; a filter
 * keeps its input's bounds; a projection keeps the bound of a column it copies or passes through a
 * non-decreasing function ({@link Monotone}); TUMBLE and HOP bound window_start and window_end; a
 * grouped aggregate or DISTINCT bounds the key columns it copies; an inner join bounds a key column
 * that both sides bound with the same waterline. Every other operator's output has no bounds.
 *
 * <p>A stateful operator whose key contains a bounded column forgets the entries below the bound
 * (see {@link io.sluice.engine.operator.time.Retention}); since no later change can reach them,
 * its outputs are the same as without forgetting.
 */
public final class Bounds {
    private final Map<Stream, Bound[]> bounds = new IdentityHashMap<>();

    /** The bound of each column of {@code stream} (null entries: none), or null when no column has one. */
    public Bound[] of(Stream stream) {
        return bounds.get(stream);
    }

    /** Records the bounds of {@code stream}'s columns; does nothing when {@code columns} is null or all null. */
    public void put(Stream stream, Bound[] columns) {
        if (columns == null) {
            return;
        }
        for (Bound b : columns) {
            if (b != null) {
                bounds.put(stream, columns.clone());
                return;
            }
        }
    }

    /**
     * For a stateful operator keyed by the columns {@code keys} of {@code input}: the retain of its
     * first bounded key column (null if none), and the bounds of its output, the key columns
     * followed by {@code extra} unbounded columns.
     */
    Keyed keyed(Stream input, int[] keys, int extra) {
        Bound[] in = of(input);
        if (in == null || keys == null) {
            return new Keyed(null, null);
        }
        Retain retain = null;
        Bound[] out = new Bound[keys.length + extra];
        for (int i = 0; i < keys.length; i++) {
            Bound b = keys[i] < 0 ? null : in[keys[i]];
            out[i] = b;
            if (retain == null && b != null) {
                retain = b.retainKeys(i);
            }
        }
        return new Keyed(retain, out);
    }

    record Keyed(Retain retain, Bound[] output) {
    }

    /**
     * A lower bound on a column's later values: {@code bound.apply(W)} for the current value W of
     * the waterline stream {@code waterline}.
     */
    public record Bound(Stream waterline, java.util.function.UnaryOperator<Object> bound) {
        /** The identity bound of a table's LATENESS column. */
        public static Bound of(Stream waterline) {
            return new Bound(waterline, w -> w);
        }

        /** The bound of {@code f(column)} for a non-decreasing {@code f}. */
        Bound then(java.util.function.UnaryOperator<Object> f) {
            java.util.function.UnaryOperator<Object> g = bound;
            return new Bound(waterline, w -> f.apply(g.apply(w)));
        }

        /** The smaller of two bounds by the same waterline. */
        Bound min(Bound other) {
            java.util.function.UnaryOperator<Object> a = bound;
            java.util.function.UnaryOperator<Object> b = other.bound;
            return new Bound(waterline, w -> {
                Object x = a.apply(w);
                Object y = b.apply(w);
                return Row.compareValues(x, y) <= 0 ? x : y;
            });
        }

        /** Forget the entries whose key column {@code column} is below this bound. */
        Retain retainKeys(int column) {
            return Retain.keys(waterline, column, bound);
        }
    }

    /** Output column = a non-decreasing {@code function} of input column {@code source}. */
    public record Monotone(int source, java.util.function.UnaryOperator<Object> function) {
    }

    /** {@code time - interval} for the time values of windows (TIMESTAMP with a Duration, integers with a Long). */
    static Object minus(Object time, Object interval) {
        if (time instanceof LocalDateTime t && interval instanceof Duration d) {
            return t.minus(d);
        }
        if (time instanceof Long l && interval instanceof Long i) {
            return Math.subtractExact(l, i);
        }
        if (time instanceof Integer l && interval instanceof Long i) {
            // an INT time column keeps Integer values; below its range nothing needs to be kept anyway
            long v = l - i;
            return (int) Math.max(v, Integer.MIN_VALUE);
        }
        throw new IllegalArgumentException("not a window time value: " + time + " - " + interval);
    }
}
