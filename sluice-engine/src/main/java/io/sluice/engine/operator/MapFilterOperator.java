package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of maps and filters over a Z-set, fused into one pass: each row runs through every stage
 * in order and keeps its weight. Rows that a map makes equal are consolidated in the output.
 */
public final class MapFilterOperator implements Operator {
    private final List<Stage> stages;

    private MapFilterOperator(List<Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    public static MapFilterOperator map(RowFunction function) {
        return new MapFilterOperator(List.of(new Stage(requireNonNull(function, "function is null"), null)));
    }

    public static MapFilterOperator filter(RowPredicate predicate) {
        return new MapFilterOperator(List.of(new Stage(null, requireNonNull(predicate, "predicate is null"))));
    }

    /** This chain followed by {@code next}. */
    public MapFilterOperator then(MapFilterOperator next) {
        List<Stage> all = new ArrayList<>(stages);
        all.addAll(next.stages);
        return new MapFilterOperator(all);
    }

    @Override
    public String kind() {
        return "map";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch in = inputs.get(0);
        Batch.Builder out = Batch.builder(in.size());
        for (int i = 0; i < in.size(); i++) {
            Row row = apply(in.key(i));
            if (row != null) {
                out.add(row, in.weight(i));
            }
        }
        return out.build();
    }

    private Row apply(Row row) {
        Row current = row;
        for (Stage stage : stages) {
            if (stage.function != null) {
                current = requireNonNull(stage.function.apply(current), "map function returned null");
            } else if (!stage.predicate.test(current)) {
                return null;
            }
        }
        return current;
    }

    private record Stage(RowFunction function, RowPredicate predicate) {
    }
}
