package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;

/** Builds an output row from a join key and a matching pair of values; null drops the pair (a fused post-join filter). */
@FunctionalInterface
public interface JoinFunction {
    Row apply(Row key, Row left, Row right);
}
