package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;

/** An operator fed from outside the circuit: appended changes form the input of the next step. */
public interface InputOperator extends Operator {
    void append(Row row, long weight);

    /**
     * The part of an appended row that decides which worker's copy of this input receives it: rows
     * with equal partition keys go to the same worker. The whole row by default.
     */
    default Row partitionKey(Row row) {
        return row;
    }
}
