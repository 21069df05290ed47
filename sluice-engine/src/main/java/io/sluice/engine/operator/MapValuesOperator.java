package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/** Indexed Z-set to indexed Z-set with the same keys: each value v becomes function(v). Linear. */
public final class MapValuesOperator implements Operator {
    private final RowFunction function;

    public MapValuesOperator(RowFunction function) {
        this.function = requireNonNull(function, "function is null");
    }

    @Override
    public String kind() {
        return "mapvalues";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch in = inputs.get(0);
        Batch.Builder out = Batch.builder(in.size());
        for (int i = 0; i < in.size(); i++) {
            out.add(in.key(i), requireNonNull(function.apply(in.val(i)), "value function returned null"), in.weight(i));
        }
        return out.build();
    }
}
