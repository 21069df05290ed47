package io.sluice.engine.operator;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/** Every weight negated. */
public final class NegateOperator implements Operator {
    @Override
    public String kind() {
        return "negate";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        return inputs.get(0).negate();
    }
}
