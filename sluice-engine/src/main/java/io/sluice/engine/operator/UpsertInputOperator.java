package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.trace.Spine;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An input table with a primary key. Appended changes are commands, applied in append order when
 * the step runs: weight +1 inserts the row or replaces the row with the same key, weight -1 deletes
 * the row whose key equals the key columns of the appended row. The output is the Z-set change of
 * the table contents over the step (-old row, +new row for each key whose row changed).
 *
 * <p>State: the table contents as one trace of (key columns -> whole row) with weight 1.
 *
 * <p>A step sorts the commands' keys once (a stable sort of positions, so the last command for a
 * key wins), then walks the distinct keys in order against every batch of the trace with one
 * forward-moving position per batch, so a key costs a galloping search rather than a binary search
 * of each whole batch. Both builders receive their entries in order, so the table delta (and the
 * output, when the key is the leading columns) is built without checking the order again.
 */
public final class UpsertInputOperator implements InputOperator, StatefulOperator {
    private static final int INITIAL = 16;
    private final int[] keyColumns;
    /** The key columns are 0, 1, ..., so rows order as their keys do. */
    private final boolean keyIsPrefix;
    private Row[] pendingRows = new Row[INITIAL];
    private boolean[] pendingInserts = new boolean[INITIAL];
    private int pending;
    private Spine table = new Spine();

    public UpsertInputOperator(int[] keyColumns) {
        this.keyColumns = requireNonNull(keyColumns, "keyColumns is null").clone();
        if (keyColumns.length == 0) {
            throw new IllegalArgumentException("a primary key needs at least one column");
        }
        boolean prefix = true;
        for (int i = 0; i < keyColumns.length; i++) {
            prefix &= keyColumns[i] == i;
        }
        this.keyIsPrefix = prefix;
    }

    @Override
    public String kind() {
        return "upsert";
    }

    /** The key columns: all changes to one key go to the same worker, in append order. */
    @Override
    public Row partitionKey(Row row) {
        return row.project(keyColumns);
    }

    @Override
    public void append(Row row, long weight) {
        requireNonNull(row, "row is null");
        if (weight != 1 && weight != -1) {
            throw new IllegalArgumentException("an upsert input takes weight +1 or -1: " + weight);
        }
        if (pending == pendingRows.length) {
            pendingRows = Arrays.copyOf(pendingRows, pending * 2);
            pendingInserts = Arrays.copyOf(pendingInserts, pending * 2);
        }
        pendingRows[pending] = row;
        pendingInserts[pending++] = weight > 0;
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        int n = pending;
        Row[] rows = pendingRows;
        boolean[] inserts = pendingInserts;
        pendingRows = new Row[INITIAL];
        pendingInserts = new boolean[INITIAL];
        pending = 0;
        if (n == 0) {
            return Batch.empty();
        }
        Row[] keys = new Row[n];
        for (int i = 0; i < n; i++) {
            keys[i] = rows[i].project(keyColumns);
        }
        Batch.PositionOrder byKey = keyOrder(rows, keys, n);
        int[] order = Batch.sortedPositions(n, byKey);
        Lookup lookup = new Lookup(table);
        Batch.Builder out = Batch.builder(n);
        Batch.Builder tableDelta = Batch.builder(n);
        for (int idx = 0; idx < n; idx++) {
            int last = order[idx];
            while (idx + 1 < n && byKey.compare(order[idx + 1], last) == 0) {
                last = order[++idx];
            }
            Row key = keys[last];
            Row before = lookup.find(key);
            Row after = inserts[last] ? rows[last] : null;
            if (Objects.equals(before, after)) {
                continue;
            }
            if (before != null && after != null && after.compareTo(before) < 0) {
                out.add(after, 1);
                out.add(before, -1);
                tableDelta.add(key, after, 1);
                tableDelta.add(key, before, -1);
                continue;
            }
            if (before != null) {
                out.add(before, -1);
                tableDelta.add(key, before, -1);
            }
            if (after != null) {
                out.add(after, 1);
                tableDelta.add(key, after, 1);
            }
        }
        // Distinct keys in ascending order, and for one key the smaller row first: the table delta is
        // in order by construction. So is the output when the key columns are the leading columns.
        table.insert(tableDelta.buildSorted());
        return keyIsPrefix ? out.buildSorted() : out.build();
    }

    /** The key order; for a single BIGINT key column, a compare of primitive longs. */
    private Batch.PositionOrder keyOrder(Row[] rows, Row[] keys, int n) {
        if (keyColumns.length == 1) {
            long[] longs = new long[n];
            int column = keyColumns[0];
            int i = 0;
            while (i < n && rows[i].get(column) instanceof Long l) {
                longs[i++] = l;
            }
            if (i == n) {
                return (a, b) -> Long.compare(longs[a], longs[b]);
            }
        }
        return (a, b) -> keys[a].compareTo(keys[b]);
    }

    /**
     * Looks up keys given in ascending order: one position per batch of the trace that only moves
     * forward, found by galloping. A key found in more than one batch, or with more than one entry,
     * is resolved by {@link Spine#lookupOne}, which consolidates across batches.
     */
    private static final class Lookup {
        private final Spine spine;
        private final List<Batch> batches;
        private final int[] positions;

        Lookup(Spine spine) {
            this.spine = spine;
            this.batches = spine.batches();
            this.positions = new int[batches.size()];
        }

        Row find(Row key) {
            Batch hit = null;
            int hitAt = -1;
            int hits = 0;
            for (int b = 0; b < positions.length; b++) {
                Batch batch = batches.get(b);
                int p = gallop(batch, key, positions[b]);
                positions[b] = p;
                if (p < batch.size() && batch.key(p).equals(key)) {
                    hits++;
                    hit = batch;
                    hitAt = p;
                }
            }
            if (hits == 0) {
                return null;
            }
            if (hits == 1 && hit.weight(hitAt) == 1 && (hitAt + 1 == hit.size() || !hit.key(hitAt + 1).equals(key))) {
                return hit.val(hitAt);
            }
            return spine.lookupOne(key);
        }

        /** The first position at or after {@code from} whose key is not less than {@code key}. */
        private static int gallop(Batch batch, Row key, int from) {
            int size = batch.size();
            if (from >= size || batch.key(from).compareTo(key) >= 0) {
                return from;
            }
            int lo = from;
            int step = 1;
            while (lo + step < size && batch.key(lo + step).compareTo(key) < 0) {
                lo += step;
                step *= 2;
            }
            int hi = Math.min(lo + step, size);
            lo++;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (batch.key(mid).compareTo(key) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    @Override
    public List<Batch> stateBatches() {
        return table.batches();
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[0];
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        table = Spine.of(batches);
    }
}
