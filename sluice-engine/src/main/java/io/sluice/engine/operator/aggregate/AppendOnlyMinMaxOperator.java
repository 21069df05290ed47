package io.sluice.engine.operator.aggregate;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.operator.time.Retention;
import io.sluice.engine.trace.Spine;
import java.util.List;

/**
 * Grouped MIN or MAX over an input that only ever inserts (a table declared append-only): O(1)
 * state per group and O(1) work per input row, instead of the sorted input trace of
 * {@link GeneralAggregateOperator}.
 *
 * <p>Design: the state is the output trace (group key -> [current MIN or MAX]); a step folds each
 * touched group's new values into its current result and emits -old, +new when it changed. A group
 * that so far has only NULLs has the result NULL. An input entry with a negative weight (a
 * deletion) is an {@link EvaluationException}: the result could no longer be computed without the
 * values, so the step fails and is rolled back.
 *
 * <p>Keyed by the group key; with a {@link Retention} (by key), groups below the waterline bound
 * are forgotten.
 */
public final class AppendOnlyMinMaxOperator implements StatefulOperator {
    private final MinMax aggregate;
    private final Retention retention;
    private Spine output = new Spine();

    public AppendOnlyMinMaxOperator(MinMax aggregate, Retention retention) {
        this.aggregate = requireNonNull(aggregate, "aggregate is null");
        if (retention != null && retention.target() != Retention.Target.KEY) {
            throw new IllegalArgumentException("an aggregate forgets whole groups; retain by key");
        }
        this.retention = retention;
    }

    @Override
    public String kind() {
        return aggregate.max() ? "appendonlymax" : "appendonlymin";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch delta = inputs.get(0);
        if (retention != null) {
            retention.apply(inputs.get(retention.input()), output);
        }
        Batch.Builder out = Batch.builder();
        Batch.Builder outputDelta = Batch.builder();
        for (Cursor c = delta.cursor(); c.keyValid(); c.stepKey()) {
            Row key = c.key();
            Row before = output.lookupOne(key);
            Object best = before == null ? null : before.get(0);
            for (; c.valValid(); c.stepVal()) {
                if (c.weight() < 0) {
                    throw new EvaluationException("append-only input got a deletion of " + c.val() + " in group " + key);
                }
                Object v = c.val().get(aggregate.column());
                if (v != null && (best == null || aggregate.better(v, best))) {
                    best = v;
                }
            }
            Row after = Row.of(best);
            if (!after.equals(before)) {
                if (before != null) {
                    out.add(key.concat(before), -1);
                    outputDelta.add(key, before, -1);
                }
                out.add(key.concat(after), 1);
                outputDelta.add(key, after, 1);
            }
        }
        output.insert(outputDelta.build());
        return out.build();
    }

    @Override
    public List<Batch> stateBatches() {
        return output.batches();
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[0];
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        output = Spine.of(batches);
    }
}
