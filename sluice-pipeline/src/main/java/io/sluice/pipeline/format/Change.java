package io.sluice.pipeline.format;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Row;

/**
 * One parsed change to a table: a row with weight +1 (insert, or upsert on a keyed table) or -1
 * (delete); or, for a table with a primary key, a partial update: {@code updated} is then the
 * bitmap of the columns it sets (bit i of word i / 64), the key columns among them, and the
 * weight is +1.
 */
public record Change(Row row, long weight, long[] updated) {
    public Change {
        requireNonNull(row, "row is null");
    }

    public Change(Row row, long weight) {
        this(row, weight, null);
    }

    /** A partial update of the row with {@code row}'s key: the columns set in {@code updated} take {@code row}'s values. */
    public static Change update(Row row, long[] updated) {
        return new Change(row, 1, requireNonNull(updated, "updated is null"));
    }

    public boolean isUpdate() {
        return updated != null;
    }
}
