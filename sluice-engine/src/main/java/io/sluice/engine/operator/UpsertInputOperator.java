package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.trace.Spine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An input table with a primary key. Appended changes are commands, applied in append order when
 * the step runs: weight +1 inserts the row or replaces the row with the same key, weight -1 deletes
 * the row whose key equals the key columns of the appended row. The output is the Z-set change of
 * the table contents over the step (-old row, +new row for each key whose row changed).
 *
 * <p>State: the table contents as one trace of (key columns -> whole row) with weight 1.
 */
public final class UpsertInputOperator implements InputOperator, StatefulOperator {
    private final int[] keyColumns;
    private final List<Row> pendingRows = new ArrayList<>();
    private final List<Boolean> pendingInserts = new ArrayList<>();
    private Spine table = new Spine();

    public UpsertInputOperator(int[] keyColumns) {
        this.keyColumns = requireNonNull(keyColumns, "keyColumns is null").clone();
        if (keyColumns.length == 0) {
            throw new IllegalArgumentException("a primary key needs at least one column");
        }
    }

    @Override
    public String kind() {
        return "upsert";
    }

    @Override
    public void append(Row row, long weight) {
        requireNonNull(row, "row is null");
        if (weight != 1 && weight != -1) {
            throw new IllegalArgumentException("an upsert input takes weight +1 or -1: " + weight);
        }
        pendingRows.add(row);
        pendingInserts.add(weight > 0);
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        List<Row> rows = List.copyOf(pendingRows);
        List<Boolean> inserts = List.copyOf(pendingInserts);
        pendingRows.clear();
        pendingInserts.clear();
        Map<Row, Row> latest = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            latest.put(row.project(keyColumns), inserts.get(i) ? row : null);
        }
        Batch.Builder out = Batch.builder(latest.size() * 2);
        Batch.Builder tableDelta = Batch.builder(latest.size() * 2);
        for (Map.Entry<Row, Row> e : latest.entrySet()) {
            Row key = e.getKey();
            Row before = table.lookupOne(key);
            Row after = e.getValue();
            if (Objects.equals(before, after)) {
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
        table.insert(tableDelta.build());
        return out.build();
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
