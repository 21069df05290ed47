package io.sluice.engine.operator.time;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.StatefulOperator;
import java.util.List;

/**
 * The late-row filter of an input with {@code LATENESS L} on a timestamp column: a change (insert or
 * delete) whose timestamp is below the waterline of the previous step, max(timestamps seen) - L, is
 * dropped and counted; every other change passes. Rows with a NULL timestamp always pass.
 *
 * <p>State: the largest timestamp that passed. The count of dropped rows is a statistic, not state.
 */
public final class LatenessOperator implements StatefulOperator {
    private final MaxTimestamp max;
    private long lateRows;

    /**
     * @param column the timestamp column
     * @param lateness a positive {@link java.time.Duration} for TIMESTAMP columns, a positive
     *     {@link Long} for integer ones
     */
    public LatenessOperator(int column, Object lateness) {
        this.max = new MaxTimestamp(column, lateness);
    }

    @Override
    public String kind() {
        return "lateness";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch in = inputs.get(0);
        Object waterline = max.waterline();
        Batch out = in;
        if (waterline != null) {
            Batch.Builder kept = Batch.builder(in.size());
            for (int i = 0; i < in.size(); i++) {
                Row row = in.key(i);
                Object ts = row.get(max.column());
                if (ts == null || Row.compareValues(ts, waterline) >= 0) {
                    kept.add(row, in.val(i), in.weight(i));
                } else {
                    lateRows = Math.addExact(lateRows, Math.abs(in.weight(i)));
                }
            }
            out = kept.size() == in.size() ? in : kept.build();
        }
        max.observe(out);
        return out;
    }

    /** The number of changes (counted with their multiplicity) dropped as late since this operator was made. */
    public long lateRows() {
        return lateRows;
    }

    @Override
    public List<Batch> stateBatches() {
        return max.state();
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[0];
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        max.restore(batches);
    }
}
