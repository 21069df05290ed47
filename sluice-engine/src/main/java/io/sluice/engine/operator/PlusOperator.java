package io.sluice.engine.operator;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/** The sum of two streams. */
public final class PlusOperator implements Operator {
    @Override
    public String kind() {
        return "plus";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        return inputs.get(0).plus(inputs.get(1));
    }
}
