package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;

/** An operator fed from outside the circuit: appended changes form the input of the next step. */
public interface InputOperator extends Operator {
    void append(Row row, long weight);

    /**
     * Appends a partial update: the columns set in {@code columns} (a bitmap, bit i of word i / 64)
     * of the row with {@code row}'s key take {@code row}'s values. Only an input with a primary key
     * has rows to update by key.
     */
    default void update(Row row, long[] columns) {
        throw new UnsupportedOperationException("this input has no primary key, so it takes no updates");
    }

    /**
     * The part of an appended row that decides which worker's copy of this input receives it: rows
     * with equal partition keys go to the same worker. The whole row by default.
     */
    default Row partitionKey(Row row) {
        return row;
    }
}
