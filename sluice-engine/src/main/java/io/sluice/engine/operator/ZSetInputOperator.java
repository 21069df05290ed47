package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.List;

/** An input table without a primary key: the appended (row, weight) pairs, consolidated, are its delta. */
public final class ZSetInputOperator implements InputOperator {
    private final Batch.Builder pending = Batch.builder();

    @Override
    public String kind() {
        return "input";
    }

    @Override
    public void append(Row row, long weight) {
        pending.add(requireNonNull(row, "row is null"), weight);
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        return pending.build();
    }
}
