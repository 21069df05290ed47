package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;
import java.util.function.Consumer;

/** A row to 0..n rows (UNNEST, HOP windows); each produced row keeps the input row's weight. */
@FunctionalInterface
public interface FlatMapFunction {
    void apply(Row row, Consumer<Row> out);
}
