package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;

/** Builds a row from one (key, value) entry of an indexed Z-set; null drops the entry. */
@FunctionalInterface
public interface EntryFunction {
    Row apply(Row key, Row val);
}
