package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.List;

/** Z-set to indexed Z-set: each row r with weight w becomes (key(r), value(r)) with weight w. */
public final class IndexByOperator implements Operator {
    private final RowFunction key;
    private final RowFunction value;

    public IndexByOperator(RowFunction key, RowFunction value) {
        this.key = requireNonNull(key, "key is null");
        this.value = requireNonNull(value, "value is null");
    }

    @Override
    public String kind() {
        return "indexby";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch in = inputs.get(0);
        Batch.Builder out = Batch.builder(in.size());
        for (int i = 0; i < in.size(); i++) {
            Row row = in.key(i);
            out.add(key.apply(row), value.apply(row), in.weight(i));
        }
        return out.build();
    }
}
