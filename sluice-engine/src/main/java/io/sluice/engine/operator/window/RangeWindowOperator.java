package io.sluice.engine.operator.window;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.operator.aggregate.GroupAggregate;
import io.sluice.engine.operator.aggregate.GroupValues;
import io.sluice.engine.trace.Spine;
import io.sluice.engine.trace.SpinePairState;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Incremental window aggregate over a RANGE frame: SQL's
 * {@code agg(...) OVER (PARTITION BY p ORDER BY o RANGE BETWEEN n PRECEDING AND CURRENT ROW)} (or
 * {@code UNBOUNDED PRECEDING}). Input: an indexed Z-set (partition key -> row). Output: a Z-set
 * with one row {@code row ++ aggregate(frame)} per input row (a row with weight w gives its output
 * row with weight w; rows whose weight in the integral is negative are ignored).
 *
 * <p>The frame of a row whose ORDER BY value t is not NULL is every row of its partition whose
 * value is in [t - n, t], peers (equal values) included, as in standard SQL RANGE frames. The ORDER
 * BY value is a TIMESTAMP ({@link LocalDateTime}, with a {@link Duration} range) or an integer
 * ({@link Integer} or {@link Long}, with a {@link Long} range). NULL values are peers of each other
 * and sort first or last ({@code nullsFirst}): the frame of a NULL row is the NULL rows, and with an
 * unbounded frame the rows sorted before it; a non-NULL row's frame holds the NULL rows only when
 * the frame is unbounded and NULLs sort first. This is what PostgreSQL and DuckDB do.
 *
 * <p>Design. The state is the integral of the input, each value prefixed with its ORDER BY value
 * as a long (epoch nanoseconds for timestamps) so a partition's values are sorted by it, and the
 * output emitted so far (partition -> prefix ++ output row). A change at value c changes the frames
 * of the rows whose value is in [c, c + n] (every later row when unbounded). For each partition a
 * step touches, those rows' output rows are retracted and recomputed from the current integral:
 * every row of the partition is read once and each affected peer group's frame is aggregated
 * whole. With a bounded range and no NULL change, a touched partition is read from its end down to
 * the lowest changed value minus n only, so appending rows at the end of a partition (the usual case
 * for timestamps) costs O(rows in range of the change) rather than O(partition); otherwise the whole
 * partition is read. Each recomputed peer group's frame is aggregated whole; a rolling aggregate
 * tree (Feldera's radix tree) would make that logarithmic, which is left to do.
 * Both traces are keyed by the partition key, so sharding needs only an exchange by that key.
 */
public final class RangeWindowOperator implements StatefulOperator {
    private final int orderColumn;
    private final Object range;
    private final boolean nullsFirst;
    private final GroupAggregate aggregate;
    private Spine input = new Spine();
    private Spine output = new Spine();

    /**
     * @param orderColumn the column of the row holding the ORDER BY value
     * @param range n of {@code n PRECEDING}: a non-negative {@link Duration} for TIMESTAMP values, a
     *     non-negative {@link Long} for integer values; null for {@code UNBOUNDED PRECEDING}
     * @param nullsFirst whether NULL ORDER BY values sort before the others
     * @param aggregate computes the aggregate values from a frame's rows (the group key it gets is
     *     the partition key)
     */
    public RangeWindowOperator(int orderColumn, Object range, boolean nullsFirst, GroupAggregate aggregate) {
        if (orderColumn < 0) {
            throw new IllegalArgumentException("orderColumn must be >= 0: " + orderColumn);
        }
        if (range != null && !(range instanceof Duration d && !d.isNegative())
                && !(range instanceof Long l && l >= 0)) {
            throw new IllegalArgumentException("range must be a non-negative Duration or Long, or null: " + range);
        }
        this.orderColumn = orderColumn;
        this.range = range;
        this.nullsFirst = nullsFirst;
        this.aggregate = requireNonNull(aggregate, "aggregate is null");
    }

    @Override
    public String kind() {
        return "range-window";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch prefixed = withOrderPrefix(inputs.get(0));
        input.insert(prefixed);
        Batch.Builder out = Batch.builder();
        Batch.Builder outputDelta = Batch.builder();
        for (Cursor c = prefixed.cursor(); c.keyValid(); c.stepKey()) {
            Row key = c.key();
            Changes changes = new Changes();
            for (; c.valValid(); c.stepVal()) {
                changes.add((Long) c.val().get(0));
            }
            read(output, key, changes.lowestAffected(), (val, weight) -> {
                if (changes.affects((Long) val.get(0))) {
                    out.add(withoutPrefix(val), Math.negateExact(weight));
                    outputDelta.add(key, val, Math.negateExact(weight));
                }
            });
            recompute(key, changes, out, outputDelta);
        }
        output.insert(outputDelta.build());
        return out.build();
    }

    /** Emits the output rows of the rows of partition {@code key} whose frame {@code changes} affects. */
    private void recompute(Row key, Changes changes, Batch.Builder out, Batch.Builder outputDelta) {
        List<Row> rows = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        read(input, key, changes.lowestNeeded(), (val, weight) -> {
            if (weight > 0) {
                rows.add(val);
                weights.add(weight);
            }
        });
        int n = rows.size();
        // rows are sorted by their prefix: the NULL values first, then ascending values
        int firstValue = 0;
        while (firstValue < n && rows.get(firstValue).get(0) == null) {
            firstValue++;
        }
        long[] values = new long[n - firstValue];
        for (int i = firstValue; i < n; i++) {
            values[i - firstValue] = (Long) rows.get(i).get(0);
        }
        int start = 0;
        while (start < n) {
            Long t = (Long) rows.get(start).get(0);
            int end = start + 1;
            while (end < n && Objects.equals(rows.get(end).get(0), t)) {
                end++;
            }
            if (changes.affects(t)) {
                Row result = aggregate.apply(key, frame(rows, weights, t, firstValue, values));
                for (int i = start; i < end; i++) {
                    Row row = rows.get(i);
                    long weight = weights.get(i);
                    Row unprefixed = withoutPrefix(row);
                    out.add(unprefixed.concat(result), weight);
                    outputDelta.add(key, Row.of(t).concat(unprefixed).concat(result), weight);
                }
            }
            start = end;
        }
    }

    /**
     * Visits, in ascending order, the values of partition {@code key} of {@code trace} whose ORDER BY
     * value is at least {@code from}; all of them, NULLs included, when {@code from} is null. A
     * bounded read walks the partition from its end, so a step whose changes are near the end (the
     * usual case for timestamps) reads only the rows within the range of its changes.
     */
    private static void read(Spine trace, Row key, Long from, Spine.ValueConsumer consumer) {
        if (from == null) {
            trace.lookup(key, consumer);
            return;
        }
        List<Row> vals = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        long lowest = from;
        trace.scanValues(key, true, (val, weight) -> {
            Long v = (Long) val.get(0);
            if (v == null || v < lowest) {
                return false;
            }
            vals.add(val);
            weights.add(weight);
            return true;
        });
        for (int i = vals.size() - 1; i >= 0; i--) {
            consumer.accept(vals.get(i), weights.get(i));
        }
    }

    /** The rows of the frame of the peer group with value {@code t}, as a Z-set of rows in row order. */
    private GroupValues frame(List<Row> rows, List<Long> weights, Long t, int firstValue, long[] values) {
        int from;
        int to;
        if (t == null) {
            from = 0;
            to = range == null && !nullsFirst ? rows.size() : firstValue;
        } else {
            long value = t;
            to = firstValue + upperBound(values, values.length, value);
            if (range == null) {
                from = nullsFirst ? 0 : firstValue;
            } else {
                long lo;
                try {
                    lo = Math.subtractExact(value, rangeLong());
                } catch (ArithmeticException e) {
                    lo = Long.MIN_VALUE;
                }
                from = firstValue + lowerBound(values, lo);
            }
        }
        Batch.Builder frame = Batch.builder(to - from);
        for (int i = from; i < to; i++) {
            frame.add(withoutPrefix(rows.get(i)), weights.get(i));
        }
        Batch batch = frame.build();
        return (descending, visitor) -> {
            for (int k = 0; k < batch.size(); k++) {
                int i = descending ? batch.size() - 1 - k : k;
                if (!visitor.visit(batch.key(i), batch.weight(i))) {
                    return;
                }
            }
        };
    }

    private long rangeLong() {
        return range instanceof Duration d ? d.toNanos() : (Long) range;
    }

    /** The first index whose value is >= {@code v}. */
    private static int lowerBound(long[] values, long v) {
        int lo = 0;
        int hi = values.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The first index below {@code length} whose value is > {@code v}. */
    private static int upperBound(long[] values, int length, long v) {
        int lo = 0;
        int hi = length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Each value v becomes [order value as a long] ++ v. */
    private Batch withOrderPrefix(Batch delta) {
        Batch.Builder keyed = Batch.builder(delta.size());
        for (int i = 0; i < delta.size(); i++) {
            Row val = delta.val(i);
            keyed.add(delta.key(i), Row.of(orderLong(val.get(orderColumn))).concat(val), delta.weight(i));
        }
        return keyed.build();
    }

    /** The ORDER BY value as a long: epoch nanoseconds (UTC) for a TIMESTAMP; null for NULL. */
    private Long orderLong(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof LocalDateTime t) {
            if (range != null && !(range instanceof Duration)) {
                throw new EvaluationException("a TIMESTAMP ORDER BY value needs an interval range, got " + range);
            }
            try {
                return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000_000L), t.getNano());
            } catch (ArithmeticException e) {
                throw new EvaluationException("timestamp out of the window range (years 1678-2261): " + t, e);
            }
        }
        if (v instanceof Long || v instanceof Integer) {
            if (range != null && !(range instanceof Long)) {
                throw new EvaluationException("an integer ORDER BY value needs an integer range, got " + range);
            }
            return ((Number) v).longValue();
        }
        throw new EvaluationException("RANGE frames need a TIMESTAMP or integer ORDER BY value, not "
                + v.getClass().getSimpleName() + " " + v);
    }

    private static Row withoutPrefix(Row val) {
        int[] columns = new int[val.arity() - 1];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = i + 1;
        }
        return val.project(columns);
    }

    /** The ORDER BY values one partition's delta touches, and which rows' frames that changes. */
    private final class Changes {
        private boolean nullChanged;
        private long[] changed = new long[4];
        private int count;

        /** Values arrive in ascending order, NULL first. */
        void add(Long v) {
            if (v == null) {
                nullChanged = true;
                return;
            }
            if (count > 0 && changed[count - 1] == v) {
                return;
            }
            if (count == changed.length) {
                changed = Arrays.copyOf(changed, count * 2);
            }
            changed[count++] = v;
        }

        /** The lowest ORDER BY value whose frame may have changed; null when NULL rows' frames may have. */
        Long lowestAffected() {
            return nullChanged || (range == null && !nullsFirst) || count == 0 ? null : changed[0];
        }

        /** The lowest ORDER BY value in the frame of an affected row; null when the whole partition may be. */
        Long lowestNeeded() {
            if (range == null || nullChanged || count == 0) {
                return null;
            }
            try {
                return Math.subtractExact(changed[0], rangeLong());
            } catch (ArithmeticException e) {
                return null;
            }
        }

        /** Whether the frame of a row with ORDER BY value {@code t} may have changed. */
        boolean affects(Long t) {
            if (t == null) {
                return nullChanged || (range == null && !nullsFirst && count > 0);
            }
            if (range == null && nullsFirst && nullChanged) {
                return true;
            }
            long value = t;
            int i = upperBound(changed, count, value) - 1; // the greatest change <= t
            if (i < 0) {
                return false;
            }
            if (range == null) {
                return true;
            }
            // value >= changed[i], so the difference fits in an unsigned long
            return Long.compareUnsigned(value - changed[i], rangeLong()) <= 0;
        }
    }

    @Override
    public List<Batch> stateBatches() {
        return SpinePairState.batches(input, output);
    }

    @Override
    public byte[] stateMetadata() {
        return SpinePairState.metadata(input);
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        int n = SpinePairState.firstCount("range window", batches, metadata);
        input = Spine.of(batches.subList(0, n));
        output = Spine.of(batches.subList(n, batches.size()));
    }
}
