package io.sluice.engine.operator.join;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.trace.Spine;
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
 * other side's trace (a binary search per batch of the spine), so the cost of a step grows with the
 * size of the deltas and the number of matches, not with the size of the traces.
 *
 * <p>Invariants: between steps, {@code left} holds I(a) and {@code right} holds I(b), each as
 * (key, value) entries. Both traces are updated only after all three terms are computed, so every
 * term reads the traces as of the end of the previous step. A pair (l, r) produces
 * {@code function(key, l, r)} with weight w(l) * w(r) (checked), or nothing when the function
 * returns null (a post-join filter fused into the join).
 */
public final class JoinOperator implements StatefulOperator {
    private final JoinFunction function;
    private Spine left = new Spine();
    private Spine right = new Spine();

    public JoinOperator(JoinFunction function) {
        this.function = requireNonNull(function, "function is null");
    }

    @Override
    public String kind() {
        return "join";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch deltaLeft = inputs.get(0);
        Batch deltaRight = inputs.get(1);
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
            right.lookup(key, (r, wr) -> emitAll(key, vals, weights, r, wr, out));
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
        for (; db.keyValid(); db.stepKey()) {
            Row key = db.key();
            for (; db.valValid(); db.stepVal()) {
                Row r = db.val();
                long wr = db.weight();
                left.lookup(key, (l, wl) -> emit(key, l, wl, r, wr, out));
            }
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
        List<Batch> all = new ArrayList<>(left.batches());
        all.addAll(right.batches());
        return all;
    }

    /** The number of left batches, so {@link #restoreState} can split the list again. */
    @Override
    public byte[] stateMetadata() {
        int n = left.batches().size();
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        if (metadata.length != 4) {
            throw new IllegalArgumentException("join state metadata must be 4 bytes: " + metadata.length);
        }
        int n = ((metadata[0] & 0xff) << 24) | ((metadata[1] & 0xff) << 16) | ((metadata[2] & 0xff) << 8)
                | (metadata[3] & 0xff);
        if (n < 0 || n > batches.size()) {
            throw new IllegalArgumentException("join state names " + n + " left batches of " + batches.size());
        }
        left = Spine.of(batches.subList(0, n));
        right = Spine.of(batches.subList(n, batches.size()));
    }
}
