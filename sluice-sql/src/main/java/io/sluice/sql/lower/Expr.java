package io.sluice.sql.lower;

import io.sluice.engine.algebra.Row;

/**
 * A compiled scalar expression over one row. It returns a row value ({@code null} for SQL NULL) whose
 * Java class matches the expression's SQL type, and throws
 * {@link io.sluice.engine.EvaluationException} for runtime errors such as overflow.
 */
@FunctionalInterface
public interface Expr {
    Object eval(Row row);
}
