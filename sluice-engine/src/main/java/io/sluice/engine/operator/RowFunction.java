package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;

/** A row-to-row function, such as a projection. It may throw {@link io.sluice.engine.EvaluationException}. */
@FunctionalInterface
public interface RowFunction {
    Row apply(Row row);
}
