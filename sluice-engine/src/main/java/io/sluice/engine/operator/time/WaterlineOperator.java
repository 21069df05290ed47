package io.sluice.engine.operator.time;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.StatefulOperator;
import java.util.List;

/**
 * The waterline of a stream with {@code LATENESS L}: max(timestamps seen, this step included) - L,
 * a lower bound on the timestamp of every later change that passes the {@link LatenessOperator}.
 *
 * <p>Unlike other streams, its output is not a delta but the current value: a one-row batch
 * {@code [waterline]} with weight 1, or an empty batch while no timestamp has been seen. It only
 * feeds the {@link Retention} of stateful operators.
 *
 * <p>State: the largest timestamp seen. With several workers, each sees only its shard, so the
 * workers' maxima must be combined (their maximum) before the waterline is used.
 */
public final class WaterlineOperator implements StatefulOperator {
    private final MaxTimestamp max;

    public WaterlineOperator(int column, Object lateness) {
        this.max = new MaxTimestamp(column, lateness);
    }

    /** The waterline carried by an output batch of this operator, or null if none is known yet. */
    public static Object value(Batch waterline) {
        if (waterline.isEmpty()) {
            return null;
        }
        if (waterline.size() != 1 || waterline.key(0).arity() != 1) {
            throw new IllegalArgumentException("not a waterline: " + waterline);
        }
        return waterline.key(0).get(0);
    }

    @Override
    public String kind() {
        return "waterline";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        max.observe(inputs.get(0));
        Object w = max.waterline();
        return w == null ? Batch.empty() : Batch.ofRow(Row.of(w), 1);
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
