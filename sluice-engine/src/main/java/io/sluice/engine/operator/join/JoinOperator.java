package io.sluice.engine.operator.join;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.operator.time.Retention;
import io.sluice.engine.trace.Spine;
import io.sluice.engine.trace.SpinePairState;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental inner equi-join of two indexed Z-sets on their keys.
 *
 * <p>Design. With I(x) the integral of stream x before this step, the change of the join is
 * <pre>
 *   Δ(a ⋈ b) = Δa ⋈ (I(b) + Δb) + I(a) ⋈ Δb
 * </pre>
 * Each term is computed key by key: the keys of a delta are walked in order and looked up in the
 * other side's trace (a galloping search forward in each batch of the spine, {@link Spine.Probe}), so the cost of a step grows with the
 * size of the deltas and the number of matches, not with the size of the traces.
 *
 * <p>Invariants: between steps, {@code left} holds I(a) and {@code right} holds I(b), each as
 * (key, value) entries. Both traces are updated only after all three terms are computed, so every
 * term reads the traces as of the end of the previous step. A pair (l, r) produces
 * {@code function(key, l, r)} with weight w(l) * w(r) (checked), or nothing when the function
 * returns null (a post-join filter fused into the join).
 *
 * <p>Both traces are keyed by the join key, so running on hash shards needs only an exchange of
 * both inputs by key before this operator.
 */
public final class JoinOperator implements StatefulOperator {
    private final JoinFunction function;
    private final Retention retainLeft;
    private final Retention retainRight;
    private Spine left = new Spine();
    private Spine right = new Spine();

    public JoinOperator(JoinFunction function) {
        this(function, null, null);
    }

    /**
     * A join whose traces forget what the waterlines allow: {@code retainLeft} applies to I(a),
     * {@code retainRight} to I(b); either may be null. I(a) is only read by later deltas of b, so
     * its bound must hold for b's future keys (take it from b's waterline), and symmetrically.
     * Forgetting by value also needs the join function to drop every pair a forgotten value could
     * still form with a future row of the other side.
     */
    public JoinOperator(JoinFunction function, Retention retainLeft, Retention retainRight) {
        this.function = requireNonNull(function, "function is null");
        this.retainLeft = retainLeft;
        this.retainRight = retainRight;
    }

    @Override
    public String kind() {
        return "join";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch deltaLeft = inputs.get(0);
        Batch deltaRight = inputs.get(1);
        if (retainLeft != null) {
            retainLeft.apply(inputs.get(retainLeft.input()), left);
        }
        if (retainRight != null) {
            retainRight.apply(inputs.get(retainRight.input()), right);
        }
        Batch.Builder out = Batch.builder();
        joinDeltaLeft(deltaLeft, deltaRight, out);
        joinDeltaRight(deltaRight, out);
        left.insert(deltaLeft);
        right.insert(deltaRight);
        return out.build();
    }

    /** Δa ⋈ (I(b) + Δb). */
    private void joinDeltaLeft(Batch deltaLeft, Batch deltaRight, Batch.Builder out) {
        Cursor da = deltaLeft.cursor();
        Cursor db = deltaRight.cursor();
        Spine.Probe probe = right.probe();
        List<Row> vals = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        for (; da.keyValid(); da.stepKey()) {
            Row key = da.key();
            vals.clear();
            weights.clear();
            for (; da.valValid(); da.stepVal()) {
                vals.add(da.val());
                weights.add(da.weight());
            }
            probe.lookup(key, (r, wr) -> emitAll(key, vals, weights, r, wr, out));
            db.seekKey(key);
            if (db.keyValid() && db.key().equals(key)) {
                for (; db.valValid(); db.stepVal()) {
                    emitAll(key, vals, weights, db.val(), db.weight(), out);
                }
            }
        }
    }

    /** I(a) ⋈ Δb. */
    private void joinDeltaRight(Batch deltaRight, Batch.Builder out) {
        Cursor db = deltaRight.cursor();
        Spine.Probe probe = left.probe();
        List<Row> vals = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        for (; db.keyValid(); db.stepKey()) {
            Row key = db.key();
            vals.clear();
            weights.clear();
            for (; db.valValid(); db.stepVal()) {
                vals.add(db.val());
                weights.add(db.weight());
            }
            probe.lookup(key, (l, wl) -> {
                for (int i = 0; i < vals.size(); i++) {
                    emit(key, l, wl, vals.get(i), weights.get(i), out);
                }
            });
        }
    }

    private void emitAll(Row key, List<Row> leftVals, List<Long> leftWeights, Row r, long wr, Batch.Builder out) {
        for (int i = 0; i < leftVals.size(); i++) {
            emit(key, leftVals.get(i), leftWeights.get(i), r, wr, out);
        }
    }

    private void emit(Row key, Row l, long wl, Row r, long wr, Batch.Builder out) {
        Row row = function.apply(key, l, r);
        if (row != null) {
            out.add(row, Math.multiplyExact(wl, wr));
        }
    }

    @Override
    public List<Batch> stateBatches() {
        return SpinePairState.batches(left, right);
    }

    /** The number of left batches, so {@link #restoreState} can split the list again. */
    @Override
    public byte[] stateMetadata() {
        return SpinePairState.metadata(left);
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        int n = SpinePairState.firstCount("join", batches, metadata);
        left = Spine.of(batches.subList(0, n));
        right = Spine.of(batches.subList(n, batches.size()));
    }
}
