package io.sluice.engine.operator.aggregate;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.operator.time.Retention;
import io.sluice.engine.trace.Spine;
import java.util.List;

/**
 * Incremental grouped aggregation of linear aggregates (COUNT(*), COUNT(col), SUM(col), AVG(col)).
 *
 * <p>Design. The input is an indexed Z-set (group key -> value row). The state is a trace of
 * (group key -> accumulator row) with weight 1, see {@link Accumulator}: since every aggregate is
 * linear, a group's new accumulator is its old one plus the step's values times their weights,
 * and no input rows need to be kept. For every group the step touches, the output gets
 * -(key ++ old aggregates) and +(key ++ new aggregates); a group whose row count returns to 0
 * has no accumulator and no output row.
 *
 * <p>A global aggregate (empty group key) always has exactly one output row. It emits the
 * aggregates of the empty input (COUNT 0, SUM NULL) at its first step, whatever the input, and
 * goes back to that row whenever its count returns to 0. Whether that first row was emitted is
 * the operator's metadata, so a restored operator does not emit it twice. The accumulator of the
 * empty key is kept even at count 0, so a grouped aggregate that sees an empty key also keeps its
 * row from that key's first appearance on (it cannot know about the empty key before that).
 */
public final class AggregateOperator implements StatefulOperator {
    private final List<AggregateCall> calls;
    private final boolean global;
    private final Row emptyResult;
    private final Retention retention;
    private Spine accumulators = new Spine();
    private boolean started;

    public AggregateOperator(List<AggregateCall> calls, boolean global) {
        this(calls, global, null);
    }

    /**
     * @param retention lets the waterline forget the accumulators of groups whose key is below its
     *     bound (null keeps every group); must target the key
     */
    public AggregateOperator(List<AggregateCall> calls, boolean global, Retention retention) {
        this.calls = List.copyOf(calls);
        this.global = global;
        this.emptyResult = Accumulator.empty(this.calls).result();
        if (retention != null && retention.target() != Retention.Target.KEY) {
            throw new IllegalArgumentException("an aggregate keeps one accumulator per group; retain by key");
        }
        this.retention = retention;
    }

    @Override
    public String kind() {
        return global ? "globalaggregate" : "aggregate";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch delta = inputs.get(0);
        if (retention != null) {
            retention.apply(inputs.get(retention.input()), accumulators);
        }
        Batch.Builder out = Batch.builder();
        Batch.Builder stateDelta = Batch.builder();
        boolean touchedGlobal = false;
        Spine.Probe state = accumulators.probe();
        for (Cursor c = delta.cursor(); c.keyValid(); c.stepKey()) {
            Row key = c.key();
            boolean keyIsGlobal = key.arity() == 0;
            if (global && !keyIsGlobal) {
                throw new IllegalStateException("a global aggregate got a non-empty group key: " + key);
            }
            Row oldState = state.lookupOne(key);
            Accumulator acc = Accumulator.of(calls, oldState);
            for (; c.valValid(); c.stepVal()) {
                acc.add(c.val(), c.weight());
            }
            Row newState = acc.toState(keyIsGlobal);
            if (oldState != null) {
                out.add(key.concat(Accumulator.of(calls, oldState).result()), -1);
                stateDelta.add(key, oldState, -1);
            } else if (global && started) {
                out.add(emptyResult, -1);
            }
            if (newState != null) {
                out.add(key.concat(acc.result()), 1);
                stateDelta.add(key, newState, 1);
            }
            touchedGlobal |= keyIsGlobal;
        }
        if (global && !started && !touchedGlobal) {
            out.add(emptyResult, 1);
        }
        started = true;
        accumulators.insert(stateDelta.build());
        return out.build();
    }

    @Override
    public List<Batch> stateBatches() {
        return accumulators.batches();
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[] {(byte) (started ? 1 : 0)};
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        if (metadata.length != 1) {
            throw new IllegalArgumentException("aggregate state metadata must be 1 byte: " + metadata.length);
        }
        accumulators = Spine.of(batches);
        started = metadata[0] != 0;
    }
}
