package io.sluice.engine.operator;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.time.Retention;
import io.sluice.engine.trace.Spine;
import java.util.List;

/**
 * Incremental distinct of a Z-set or an indexed Z-set: the output integral holds each (key, value)
 * whose input weight is positive, with weight 1.
 *
 * <p>Design: the sign-change rule (DBSP Prop. 4.7). With i the integral before the step and d the
 * delta, only entries in the support of d can change: each emits -1 when i > 0 and i + d <= 0, +1
 * when i <= 0 and i + d > 0, nothing otherwise. The cost of a step is one trace lookup per entry of
 * the delta. State: the integral of the input, as one trace keyed like the input, so sharding by key
 * keeps every entry on the worker that owns it.
 *
 * <p>With a {@link Retention}, entries below the waterline bound are forgotten.
 */
public final class DistinctOperator implements StatefulOperator {
    private final Retention retention;
    private Spine trace = new Spine();

    /** @param retention what the waterline lets this operator forget, or null to keep everything */
    public DistinctOperator(Retention retention) {
        this.retention = retention;
    }

    @Override
    public String kind() {
        return "distinct";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch delta = inputs.get(0);
        if (retention != null) {
            retention.apply(inputs.get(retention.input()), trace);
        }
        Batch.Builder out = Batch.builder();
        for (int i = 0; i < delta.size(); i++) {
            Row key = delta.key(i);
            Row val = delta.val(i);
            long before = trace.weight(key, val);
            long after = Math.addExact(before, delta.weight(i));
            if (before > 0 && after <= 0) {
                out.add(key, val, -1);
            } else if (before <= 0 && after > 0) {
                out.add(key, val, 1);
            }
        }
        trace.insert(delta);
        return out.build();
    }

    @Override
    public List<Batch> stateBatches() {
        return trace.batches();
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[0];
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        trace = Spine.of(batches);
    }
}
