package io.sluice.engine.operator.aggregate;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.StatefulOperator;

import io.sluice.engine.operator.time.Retention;
import io.sluice.engine.trace.Spine;
import io.sluice.engine.trace.SpinePairState;
import java.util.List;

/**
 * Incremental grouped aggregation by a {@link GroupAggregate} that needs the group's values (MIN,
 * MAX and other non-linear aggregates), with retractions.
 *
 * <p>Design. The state is the integral of the input, a trace sorted by (group key, value), and an
 * output trace (group key -> last emitted aggregate values). For each group a step touches, the
 * aggregate is recomputed from the group's current values, read in place from the input trace
 * (after the step's delta is added; MIN and MAX read only up to the first qualifying value), and when it differs from the last emitted one the output gets
 * -(key ++ old) and +(key ++ new). A group whose values all cancel has no output row. The cost of a
 * step is at most the size of the touched groups, independent of the other groups.
 *
 * <p>A global aggregate (empty group key) always has exactly one output row: the aggregate of the
 * empty input is emitted at the first step and kept in the output trace like any other.
 *
 * <p>Both traces are keyed by the group key, so sharding by key needs only an exchange by key.
 * With a {@link Retention} (by key), groups below the waterline bound are forgotten from both.
 */
public final class GeneralAggregateOperator implements StatefulOperator {
    private final GroupAggregate aggregate;
    private final boolean global;
    private final Retention retention;
    private Spine input = new Spine();
    private Spine output = new Spine();

    public GeneralAggregateOperator(GroupAggregate aggregate, boolean global, Retention retention) {
        this.aggregate = requireNonNull(aggregate, "aggregate is null");
        if (retention != null && retention.target() != Retention.Target.KEY) {
            throw new IllegalArgumentException("a general aggregate forgets whole groups; retain by key");
        }
        this.global = global;
        this.retention = retention;
    }

    @Override
    public String kind() {
        return global ? "globalgeneralaggregate" : "generalaggregate";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch delta = inputs.get(0);
        input.insert(delta);
        Batch.Builder out = Batch.builder();
        Batch.Builder outputDelta = Batch.builder();
        boolean touchedGlobal = false;
        for (Cursor c = delta.cursor(); c.keyValid(); c.stepKey()) {
            Row key = c.key();
            if (global && key.arity() != 0) {
                throw new IllegalStateException("a global aggregate got a non-empty group key: " + key);
            }
            touchedGlobal |= key.arity() == 0;
            GroupValues group = GroupValues.of(input, key);
            Row after = !global && group.isEmpty() ? null
                    : requireNonNull(aggregate.apply(key, group), "aggregate returned null");
            emitChange(key, output.lookupOne(key), after, out, outputDelta);
        }
        if (global && !touchedGlobal && output.isEmpty()) {
            emitChange(Row.EMPTY, null, aggregate.apply(Row.EMPTY, GroupValues.none()), out, outputDelta);
        }
        output.insert(outputDelta.build());
        if (retention != null) {
            // only after the groups were read: this step's own rows may already be below the new bound
            Batch waterline = inputs.get(retention.input());
            retention.apply(waterline, input);
            retention.apply(waterline, output);
        }
        return out.build();
    }

    private static void emitChange(Row key, Row before, Row after, Batch.Builder out, Batch.Builder outputDelta) {
        if (before != null && before.equals(after)) {
            return;
        }
        if (before != null) {
            out.add(key.concat(before), -1);
            outputDelta.add(key, before, -1);
        }
        if (after != null) {
            out.add(key.concat(after), 1);
            outputDelta.add(key, after, 1);
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
        int n = SpinePairState.firstCount("general aggregate", batches, metadata);
        input = Spine.of(batches.subList(0, n));
        output = Spine.of(batches.subList(n, batches.size()));
    }
}
