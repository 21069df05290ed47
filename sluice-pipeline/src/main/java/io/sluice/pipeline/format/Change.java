package io.sluice.pipeline.format;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Row;

/** One parsed change to a table: a row with weight +1 (insert, or upsert on a keyed table) or -1 (delete). */
public record Change(Row row, long weight) {
    public Change {
        requireNonNull(row, "row is null");
    }
}
