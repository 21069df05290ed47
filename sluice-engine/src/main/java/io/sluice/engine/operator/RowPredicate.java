package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;

/** A filter condition. SQL callers map UNKNOWN (NULL) to false, as WHERE does. */
@FunctionalInterface
public interface RowPredicate {
    boolean test(Row row);
}
