package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;

/** An operator fed from outside the circuit: appended changes form the input of the next step. */
public interface InputOperator extends Operator {
    void append(Row row, long weight);
}
