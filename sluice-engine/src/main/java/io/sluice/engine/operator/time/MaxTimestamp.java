package io.sluice.engine.operator.time;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.List;

/**
 * The largest timestamp seen so far in one column, the state shared by {@link LatenessOperator}
 * and {@link WaterlineOperator}. Saved as a one-row batch {@code [max]}, so it needs no codec of
 * its own.
 */
final class MaxTimestamp {
    private final int column;
    private final Object lateness;
    private Object max;

    MaxTimestamp(int column, Object lateness) {
        if (column < 0) {
            throw new IllegalArgumentException("column must be >= 0: " + column);
        }
        TimeValues.checkInterval(lateness, "lateness");
        this.column = column;
        this.lateness = lateness;
    }

    int column() {
        return column;
    }

    /** max - lateness, or null before the first timestamp. */
    Object waterline() {
        return max == null ? null : TimeValues.minus(max, lateness);
    }

    /** Raises the maximum with every non-NULL timestamp of {@code delta}'s rows, inserted or deleted. */
    void observe(Batch delta) {
        for (int i = 0; i < delta.size(); i++) {
            Object ts = delta.key(i).get(column);
            if (ts != null && (max == null || Row.compareValues(ts, max) > 0)) {
                TimeValues.toLong(ts); // rejects a value that is not a timestamp, before it becomes the maximum
                max = ts;
            }
        }
    }

    List<Batch> state() {
        return max == null ? List.of() : List.of(Batch.ofRow(Row.of(max), 1));
    }

    void restore(List<Batch> batches) {
        if (batches.isEmpty()) {
            max = null;
            return;
        }
        if (batches.size() != 1 || batches.get(0).size() != 1) {
            throw new IllegalArgumentException("timestamp state must be one batch of one row: " + batches);
        }
        max = batches.get(0).key(0).get(0);
    }
}
