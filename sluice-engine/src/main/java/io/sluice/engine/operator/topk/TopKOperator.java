package io.sluice.engine.operator.topk;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.trace.Spine;
import io.sluice.engine.trace.SpinePairState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Incremental top-k per group: for an indexed Z-set (partition key -> row), the rows whose
 * ROW_NUMBER, RANK or DENSE_RANK within their partition, in {@code order}, is at most k. Output: a
 * Z-set of rows {@code row ++ [rank]} (rank a BIGINT); with RANK and DENSE_RANK, tied copies of a
 * row share one output row with their multiplicity, with ROW_NUMBER each copy gets its own number.
 * A row with weight w counts as w rows; entries with a negative weight are ignored.
 *
 * <p>Design. The state is the integral of the input (partition key -> row) and an output trace
 * (partition key -> emitted row ++ rank). For each partition a step touches, the partition is read
 * from the input trace, sorted by {@code order} (then by the whole row, so ROW_NUMBER is
 * deterministic), its first k ranks are computed, and the difference with the rows emitted before
 * is output. A step costs the size of the touched partitions. Both traces are keyed by the
 * partition key, so sharding needs only an exchange by that key.
 */
public final class TopKOperator implements StatefulOperator {
    private final Comparator<Row> order;
    private final Comparator<Row> total;
    private final long k;
    private final RankKind rankKind;
    private Spine input = new Spine();
    private Spine output = new Spine();

    public TopKOperator(Comparator<Row> order, long k, RankKind rankKind) {
        this.order = requireNonNull(order, "order is null");
        this.total = order.thenComparing(Comparator.naturalOrder());
        this.rankKind = requireNonNull(rankKind, "rankKind is null");
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1: " + k);
        }
        this.k = k;
    }

    @Override
    public String kind() {
        return "topk";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch delta = inputs.get(0);
        input.insert(delta);
        Batch.Builder out = Batch.builder();
        Batch.Builder outputDelta = Batch.builder();
        for (Cursor c = delta.cursor(); c.keyValid(); c.stepKey()) {
            Row key = c.key();
            Batch.Builder change = Batch.builder();
            output.lookup(key, (row, weight) -> change.add(row, Math.negateExact(weight)));
            topK(key, change);
            Batch diff = change.build();
            for (int i = 0; i < diff.size(); i++) {
                out.add(diff.key(i), diff.weight(i));
                outputDelta.add(key, diff.key(i), diff.weight(i));
            }
        }
        output.insert(outputDelta.build());
        return out.build();
    }

    /** Adds the current top k of partition {@code key}, as rows ++ [rank], to {@code rows}. */
    private void topK(Row key, Batch.Builder rows) {
        List<Row> values = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        input.lookup(key, (val, weight) -> {
            if (weight > 0) {
                values.add(val);
                weights.add(weight);
            }
        });
        Integer[] sorted = new Integer[values.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i;
        }
        Arrays.sort(sorted, (a, b) -> total.compare(values.get(a), values.get(b)));
        long before = 0;
        long dense = 0;
        Row previous = null;
        long rank = 0;
        for (int idx : sorted) {
            Row row = values.get(idx);
            long weight = weights.get(idx);
            boolean tie = previous != null && order.compare(previous, row) == 0;
            if (!tie) {
                dense++;
                rank = before + 1;
            }
            if (rankKind == RankKind.ROW_NUMBER) {
                for (long copy = 0; copy < weight && before + copy < k; copy++) {
                    rows.add(row.concat(Row.of(before + copy + 1)), 1);
                }
                if (before + weight >= k) {
                    return;
                }
            } else {
                long number = rankKind == RankKind.RANK ? rank : dense;
                if (number > k) {
                    return;
                }
                rows.add(row.concat(Row.of(number)), weight);
            }
            before += weight;
            previous = row;
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
        int n = SpinePairState.firstCount("top-k", batches, metadata);
        input = Spine.of(batches.subList(0, n));
        output = Spine.of(batches.subList(n, batches.size()));
    }
}
