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
 * the row whose key equals the key columns of the appended row, and {@link #update} replaces some
 * columns of the row with that key (nothing happens when no row has the key). The output is the
 * Z-set change of the table contents over the step (-old row, +new row for each key whose row
 * changed).
 *
 * <p>State: the table contents as one trace of (key columns -> whole row) with weight 1.
 *
 * <p>A step sorts the commands' keys once (a stable sort of positions, so one key's commands stay in
 * append order and are applied in that order to the key's row), then walks the distinct keys in order against every batch of the trace with one
 * forward-moving position per batch, so a key costs a galloping search rather than a binary search
 * of each whole batch. Both builders receive their entries in order, so the table delta (and the
 * output, when the key is the leading columns) is built without checking the order again.
 */
public final class UpsertInputOperator implements InputOperator, StatefulOperator {
    private static final int INITIAL = 16;
    private final int[] keyColumns;
    /** The key columns are 0, 1, ..., so rows order as their keys do. */
    private final boolean keyIsPrefix;
    private static final byte DELETE = 0;
    private static final byte INSERT = 1;
    private static final byte UPDATE = 2;
    private Row[] pendingRows = new Row[INITIAL];
    private byte[] pendingKinds = new byte[INITIAL];
    /** The columns an update sets, a bitmap per update command (null for inserts and deletes). */
    private long[][] pendingColumns = new long[INITIAL][];
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
        add(row, weight > 0 ? INSERT : DELETE, null);
    }

    /**
     * Appends an update: the row with {@code row}'s key gets the values of {@code row} in the
     * columns whose bits are set in {@code columns} (bit i of word i / 64), and keeps its other
     * values. The key columns must be among them. An update of a key that has no row when the
     * command is applied does nothing.
     */
    @Override
    public void update(Row row, long[] columns) {
        requireNonNull(row, "row is null");
        requireNonNull(columns, "columns is null");
        for (int k : keyColumns) {
            if (!isSet(columns, k)) {
                throw new IllegalArgumentException("an update must give every primary key column; column " + k + " is missing");
            }
        }
        add(row, UPDATE, columns.clone());
    }

    private static boolean isSet(long[] columns, int i) {
        return (i >>> 6) < columns.length && (columns[i >>> 6] & (1L << i)) != 0;
    }

    private void add(Row row, byte kind, long[] columns) {
        if (pending == pendingRows.length) {
            pendingRows = Arrays.copyOf(pendingRows, pending * 2);
            pendingKinds = Arrays.copyOf(pendingKinds, pending * 2);
            pendingColumns = Arrays.copyOf(pendingColumns, pending * 2);
        }
        pendingRows[pending] = row;
        pendingKinds[pending] = kind;
        pendingColumns[pending++] = columns;
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        int n = pending;
        Row[] rows = pendingRows;
        byte[] kinds = pendingKinds;
        long[][] columns = pendingColumns;
        pendingRows = new Row[INITIAL];
        pendingKinds = new byte[INITIAL];
        pendingColumns = new long[INITIAL][];
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
        // With the key as the leading columns the output is the table delta's values (see the end).
        Batch.Builder out = keyIsPrefix ? null : Batch.builder(n);
        Batch.Builder tableDelta = Batch.builder(n);
        for (int idx = 0; idx < n; idx++) {
            int first = idx;
            int last = order[idx];
            while (idx + 1 < n && byKey.compare(order[idx + 1], last) == 0) {
                last = order[++idx];
            }
            Row key = keys[last];
            Row before = lookup.find(key);
            Row after;
            if (kinds[last] != UPDATE) {
                after = kinds[last] == INSERT ? rows[last] : null;
            } else {
                // An update needs the row as the earlier commands left it: replay the key's commands.
                after = before;
                for (int j = first; j <= idx; j++) {
                    int c = order[j];
                    after = switch (kinds[c]) {
                        case INSERT -> rows[c];
                        case DELETE -> null;
                        default -> after == null ? null : updated(after, rows[c], columns[c]);
                    };
                }
            }
            if (Objects.equals(before, after)) {
                continue;
            }
            if (before != null && after != null && after.compareTo(before) < 0) {
                change(out, tableDelta, key, after, 1);
                change(out, tableDelta, key, before, -1);
                continue;
            }
            if (before != null) {
                change(out, tableDelta, key, before, -1);
            }
            if (after != null) {
                change(out, tableDelta, key, after, 1);
            }
        }
        // Distinct keys in ascending order, and for one key the smaller row first: the table delta is
        // in order by construction. So is the output when the key columns are the leading columns.
        Batch delta = tableDelta.buildSorted();
        table.insert(delta);
        // With the key as the leading columns, the output's rows are the delta's values in the same
        // order: share their columns instead of converting the same rows twice.
        return keyIsPrefix ? delta.valuesAsZSet() : out.build();
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

    /** Adds a change of {@code key}'s row to the table delta and, when there is one, the output builder. */
    private static void change(Batch.Builder out, Batch.Builder tableDelta, Row key, Row row, long weight) {
        if (out != null) {
            out.add(row, weight);
        }
        tableDelta.add(key, row, weight);
    }

    /** {@code row} with the columns set in {@code columns} taken from {@code update}. */
    private static Row updated(Row row, Row update, long[] columns) {
        Object[] values = row.toArray();
        for (int i = 0; i < values.length; i++) {
            if (isSet(columns, i)) {
                values[i] = update.get(i);
            }
        }
        return Row.wrap(values);
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
