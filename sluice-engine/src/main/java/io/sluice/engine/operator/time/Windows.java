package io.sluice.engine.operator.time;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.FlatMapFunction;
import java.util.function.Consumer;

/**
 * SQL's TUMBLE and HOP table functions as flat-map functions: each appends the columns
 * {@code window_start} and {@code window_end} (same type as the timestamp) to a row, once per
 * window that contains the row's timestamp. A window is the half-open interval [start, end).
 * Rows whose timestamp is NULL belong to no window and are dropped. Both are linear: they keep
 * no state and pass each row's weight on.
 *
 * <p>Timestamps are TIMESTAMP values with {@link java.time.Duration} sizes, or integers with
 * {@link Long} sizes; see {@link TimeValues}.
 */
public final class Windows {
    private Windows() {
    }

    /**
     * TUMBLE(column, size, offset): the single window of length {@code size} containing the
     * timestamp, windows starting at offset + k * size.
     */
    public static FlatMapFunction tumble(int column, Object size, Object offset) {
        return hop(column, size, size, offset);
    }

    /**
     * HOP(column, slide, size, offset): every window of length {@code size} containing the
     * timestamp, windows starting at offset + k * slide; emitted by ascending start.
     */
    public static FlatMapFunction hop(int column, Object slide, Object size, Object offset) {
        checkColumn(column);
        TimeValues.checkInterval(slide, "slide");
        TimeValues.checkInterval(size, "size");
        checkOffset(offset, size);
        if (slide.getClass() != size.getClass()) {
            throw new IllegalArgumentException("slide and size must be of the same kind: " + slide + ", " + size);
        }
        return (row, out) -> emitWindows(row, column, slide, size, offset, out);
    }

    private static void emitWindows(Row row, int column, Object slide, Object size, Object offset, Consumer<Row> out) {
        Object ts = row.get(column);
        if (ts == null) {
            return;
        }
        long t = TimeValues.toLong(ts);
        long slideLong = TimeValues.intervalLong(ts, slide);
        long sizeLong = TimeValues.intervalLong(ts, size);
        long offsetLong = TimeValues.intervalLong(ts, offset);
        try {
            long last = Math.addExact(Math.multiplyExact(Math.floorDiv(Math.subtractExact(t, offsetLong), slideLong),
                    slideLong), offsetLong);
            long first = last;
            while (first - slideLong > t - sizeLong) {
                first -= slideLong;
            }
            for (long start = first; start <= last; start += slideLong) {
                if (start <= t - sizeLong) {
                    continue;
                }
                Object startValue = TimeValues.toTime(ts, start);
                Object endValue = TimeValues.toTime(ts, Math.addExact(start, sizeLong));
                out.accept(row.concat(Row.of(startValue, endValue)));
            }
        } catch (ArithmeticException e) {
            throw new EvaluationException("window bounds overflow for timestamp " + ts, e);
        }
    }

    private static void checkColumn(int column) {
        if (column < 0) {
            throw new IllegalArgumentException("column must be >= 0: " + column);
        }
    }

    private static void checkOffset(Object offset, Object size) {
        if (offset == null || offset.getClass() != size.getClass()) {
            throw new IllegalArgumentException("offset must be of the same kind as the size: " + offset);
        }
    }
}
