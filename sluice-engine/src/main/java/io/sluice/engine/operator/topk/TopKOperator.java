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
 * ROW_NUMBER, RANK or DENSE_RANK within their partition is at most k. Output: a Z-set of rows
 * {@code row ++ [rank]} (rank a BIGINT); with RANK and DENSE_RANK, tied copies of a row share one
 * output row with their multiplicity, with ROW_NUMBER each copy gets its own number. A row with
 * weight w counts as w rows; entries with a negative weight are ignored.
 *
 * <p>Two orders are supported. {@link #byColumns} orders by columns of the row, all ascending or
 * all descending, in row-value order (NULL first ascending, last descending): the trace stores
 * each row behind its sort columns, so a touched partition is walked from the right end and the
 * walk stops after rank k. {@link #byComparator} takes any order: each touched partition is read
 * whole and sorted. Ties under ROW_NUMBER are broken by the whole row (in the walk's direction
 * for column orders, ascending for comparators), so the output is deterministic.
 *
 * <p>Design. The state is the integral of the input and an output trace (partition key -> emitted
 * row ++ rank). For each partition a step touches, its first k ranks are recomputed and the
 * difference with the rows emitted before is output. Both traces are keyed by the partition key,
 * so sharding needs only an exchange by that key.
 */
public final class TopKOperator implements StatefulOperator {
    private final int[] sortColumns;
    private final int[] sortKeyPrefix;
    private final boolean descending;
    private final Comparator<Row> order;
    private final long k;
    private final RankKind rankKind;
    private Spine input = new Spine();
    private Spine output = new Spine();

    private TopKOperator(int[] sortColumns, boolean descending, Comparator<Row> order, long k, RankKind rankKind) {
        this.sortColumns = sortColumns;
        this.sortKeyPrefix = sortColumns == null ? null : new int[sortColumns.length];
        for (int i = 0; sortColumns != null && i < sortColumns.length; i++) {
            sortKeyPrefix[i] = i;
        }
        this.descending = descending;
        this.order = order;
        this.rankKind = requireNonNull(rankKind, "rankKind is null");
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1: " + k);
        }
        this.k = k;
    }

    /** Top k by {@code columns} of the row, all ascending or all descending. */
    public static TopKOperator byColumns(int[] columns, boolean descending, long k, RankKind rankKind) {
        int[] copy = requireNonNull(columns, "columns is null").clone();
        for (int c : copy) {
            if (c < 0) {
                throw new IllegalArgumentException("sort column must be >= 0: " + c);
            }
        }
        return new TopKOperator(copy, descending, null, k, rankKind);
    }

    /** Top k by any order of the rows. */
    public static TopKOperator byComparator(Comparator<Row> order, long k, RankKind rankKind) {
        return new TopKOperator(null, false, requireNonNull(order, "order is null"), k, rankKind);
    }

    @Override
    public String kind() {
        return "topk";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch delta = inputs.get(0);
        input.insert(sortColumns == null ? delta : withSortKeys(delta));
        Batch.Builder out = Batch.builder();
        Batch.Builder outputDelta = Batch.builder();
        for (Cursor c = delta.cursor(); c.keyValid(); c.stepKey()) {
            Row key = c.key();
            Batch.Builder change = Batch.builder();
            output.lookup(key, (row, weight) -> change.add(row, Math.negateExact(weight)));
            Ranking ranking = new Ranking(change);
            if (sortColumns == null) {
                rankSorted(key, ranking);
            } else {
                input.scanValues(key, descending, (val, weight) -> weight <= 0 || ranking.accept(
                        val.project(sortKeyPrefix), unprefixed(val), weight));
            }
            Batch diff = change.build();
            for (int i = 0; i < diff.size(); i++) {
                out.add(diff.key(i), diff.weight(i));
                outputDelta.add(key, diff.key(i), diff.weight(i));
            }
        }
        output.insert(outputDelta.build());
        return out.build();
    }

    /** Each value v becomes sortKey(v) ++ v, so the trace orders a partition by the sort columns. */
    private Batch withSortKeys(Batch delta) {
        Batch.Builder keyed = Batch.builder(delta.size());
        for (int i = 0; i < delta.size(); i++) {
            Row val = delta.val(i);
            keyed.add(delta.key(i), val.project(sortColumns).concat(val), delta.weight(i));
        }
        return keyed.build();
    }

    private Row unprefixed(Row val) {
        int[] columns = new int[val.arity() - sortColumns.length];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = sortColumns.length + i;
        }
        return val.project(columns);
    }

    /** The comparator path: reads the partition whole, sorts it, ranks it. */
    private void rankSorted(Row key, Ranking ranking) {
        List<Row> values = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        input.lookup(key, (val, weight) -> {
            if (weight > 0) {
                values.add(val);
                weights.add(weight);
            }
        });
        Comparator<Row> total = order.thenComparing(Comparator.naturalOrder());
        Integer[] sorted = new Integer[values.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i;
        }
        Arrays.sort(sorted, (a, b) -> total.compare(values.get(a), values.get(b)));
        Row previous = null;
        for (int idx : sorted) {
            Row row = values.get(idx);
            boolean tie = previous != null && order.compare(previous, row) == 0;
            previous = row;
            if (!ranking.accept(tie, row, weights.get(idx))) {
                return;
            }
        }
    }

    /** Numbers rows given in order and adds those ranked at most k, as rows ++ [rank]. */
    private final class Ranking {
        private final Batch.Builder rows;
        private long before;
        private long dense;
        private long rank;
        private Row previousSortKey;

        Ranking(Batch.Builder rows) {
            this.rows = rows;
        }

        /** For the column path: a tie is an equal sort key. */
        boolean accept(Row sortKey, Row row, long weight) {
            boolean tie = previousSortKey != null && previousSortKey.equals(sortKey);
            previousSortKey = sortKey;
            return accept(tie, row, weight);
        }

        /** Takes the next row in order; false once rank k is passed. */
        boolean accept(boolean tie, Row row, long weight) {
            if (!tie) {
                dense++;
                rank = before + 1;
            }
            if (rankKind == RankKind.ROW_NUMBER) {
                for (long copy = 0; copy < weight && before + copy < k; copy++) {
                    rows.add(row.concat(Row.of(before + copy + 1)), 1);
                }
            } else {
                long number = rankKind == RankKind.RANK ? rank : dense;
                if (number > k) {
                    return false;
                }
                rows.add(row.concat(Row.of(number)), weight);
            }
            before += weight;
            return rankKind != RankKind.ROW_NUMBER || before < k;
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
