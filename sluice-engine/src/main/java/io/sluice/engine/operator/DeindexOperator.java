package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.List;

/** Indexed Z-set to Z-set: each entry (key, value) with weight w becomes function(key, value) with weight w. Linear. */
public final class DeindexOperator implements Operator {
    private final EntryFunction function;

    public DeindexOperator(EntryFunction function) {
        this.function = requireNonNull(function, "function is null");
    }

    @Override
    public String kind() {
        return "deindex";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch in = inputs.get(0);
        Batch.Builder out = Batch.builder(in.size());
        for (int i = 0; i < in.size(); i++) {
            Row row = function.apply(in.key(i), in.val(i));
            if (row != null) {
                out.add(row, in.weight(i));
            }
        }
        return out.build();
    }
}
