package io.sluice.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A table or a view of a program.
 *
 * @param name the SQL name: lower case unless it was written in double quotes
 * @param columns the columns, in order
 * @param primaryKey the positions of the primary key columns; empty when there is none (always for views)
 * @param materialized whether its contents are kept for ad-hoc queries
 */
public record Relation(String name, List<Column> columns, List<Integer> primaryKey, boolean materialized) {
    public Relation {
        requireNonNull(name, "name is null");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        for (int k : primaryKey) {
            if (k < 0 || k >= columns.size()) {
                throw new IllegalArgumentException("primary key column out of range: " + k);
            }
        }
    }

    public int[] primaryKeyArray() {
        return primaryKey.stream().mapToInt(Integer::intValue).toArray();
    }
}
