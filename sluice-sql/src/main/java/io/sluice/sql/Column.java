package io.sluice.sql;

import static java.util.Objects.requireNonNull;

/** A column of a table or view; the name is as SQL resolved it (lower case unless it was quoted). */
public record Column(String name, ColumnType type, boolean nullable) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
