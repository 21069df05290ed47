package io.sluice.engine.operator.join;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.operator.time.Retention;
import io.sluice.engine.trace.Spine;
import io.sluice.engine.trace.SpinePairState;
import java.util.List;

/**
 * Incremental antijoin of two indexed Z-sets: the entries of a whose key is not a key of b, where
 * a key is "in b" when the total weight of b's entries under it is positive (distinct of b's keys).
 * The building block of outer joins (the unmatched side), EXCEPT and NOT IN.
 *
 * <p>Design. For a key k, let P0 / P1 say whether k is in b before / after the step, and A the
 * integral of a's values under k before the step. The change of the output under k is
 * <pre>
 *   not P0, not P1:  Δa[k]          P0, P1:      nothing
 *   not P0, P1:      -A             P0, not P1:  A + Δa[k]
 * </pre>
 * so a step costs a lookup per key of the deltas, plus the values of a for the keys whose
 * membership in b changed.
 *
 * <p>State: the integral of a (key -> value), and per key of b its total weight (key -> empty row,
 * weight = the sum). Both are keyed by the join key, so sharding by key keeps them local.
 * Optional {@link Retention}s let the waterline forget entries of either trace.
 */
public final class AntijoinOperator implements StatefulOperator {
    private final Retention retainLeft;
    private final Retention retainRight;
    private Spine left = new Spine();
    private Spine rightKeys = new Spine();

    /** Retentions may be null; the right one, if any, must target keys (this operator keeps no values of b). */
    public AntijoinOperator(Retention retainLeft, Retention retainRight) {
        if (retainRight != null && retainRight.target() != Retention.Target.KEY) {
            throw new IllegalArgumentException("an antijoin keeps only the keys of its right input; retain by key");
        }
        this.retainLeft = retainLeft;
        this.retainRight = retainRight;
    }

    @Override
    public String kind() {
        return "antijoin";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch deltaLeft = inputs.get(0);
        Batch deltaKeys = keyCounts(inputs.get(1));
        if (retainLeft != null) {
            retainLeft.apply(inputs.get(retainLeft.input()), left);
        }
        if (retainRight != null) {
            retainRight.apply(inputs.get(retainRight.input()), rightKeys);
        }
        Batch.Builder out = Batch.builder();
        Cursor da = deltaLeft.cursor();
        Cursor db = deltaKeys.cursor();
        while (da.keyValid() || db.keyValid()) {
            Row key;
            if (!db.keyValid() || (da.keyValid() && da.key().compareTo(db.key()) < 0)) {
                key = da.key();
            } else {
                key = db.key();
            }
            long before = rightKeys.weight(key, Row.EMPTY);
            long change = 0;
            if (db.keyValid() && db.key().equals(key)) {
                change = db.weight();
                db.stepKey();
            }
            boolean inBefore = before > 0;
            boolean inAfter = Math.addExact(before, change) > 0;
            if (inBefore != inAfter) {
                long sign = inAfter ? -1 : 1;
                left.lookup(key, (val, weight) -> out.add(key, val, Math.multiplyExact(sign, weight)));
            }
            if (da.keyValid() && da.key().equals(key)) {
                for (; da.valValid(); da.stepVal()) {
                    if (!inAfter) {
                        out.add(key, da.val(), da.weight());
                    }
                }
                da.stepKey();
            }
        }
        left.insert(deltaLeft);
        rightKeys.insert(deltaKeys);
        return out.build();
    }

    /** Per key of {@code delta}, the sum of its weights, as (key, empty row, sum). */
    private static Batch keyCounts(Batch delta) {
        Batch.Builder counts = Batch.builder(delta.size());
        for (int i = 0; i < delta.size(); i++) {
            counts.add(delta.key(i), Row.EMPTY, delta.weight(i));
        }
        return counts.build();
    }

    @Override
    public List<Batch> stateBatches() {
        return SpinePairState.batches(left, rightKeys);
    }

    @Override
    public byte[] stateMetadata() {
        return SpinePairState.metadata(left);
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        int n = SpinePairState.firstCount("antijoin", batches, metadata);
        left = Spine.of(batches.subList(0, n));
        rightKeys = Spine.of(batches.subList(n, batches.size()));
    }
}
