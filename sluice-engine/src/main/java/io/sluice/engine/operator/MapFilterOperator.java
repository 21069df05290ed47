package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of maps, filters and flat-maps over a Z-set, fused into one pass: each row runs through
 * every stage in order and keeps its weight (a flat-map gives each row it produces the weight of
 * its input row). Rows that a map makes equal are consolidated in the output.
 */
public final class MapFilterOperator implements Operator {
    private final List<Stage> stages;

    private MapFilterOperator(List<Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    public static MapFilterOperator map(RowFunction function) {
        return new MapFilterOperator(List.of(new Stage(requireNonNull(function, "function is null"), null, null)));
    }

    public static MapFilterOperator filter(RowPredicate predicate) {
        return new MapFilterOperator(List.of(new Stage(null, requireNonNull(predicate, "predicate is null"), null)));
    }

    public static MapFilterOperator flatMap(FlatMapFunction function) {
        return new MapFilterOperator(List.of(new Stage(null, null, requireNonNull(function, "function is null"))));
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
            apply(in.key(i), 0, in.weight(i), out);
        }
        return out.build();
    }

    private void apply(Row row, int from, long weight, Batch.Builder out) {
        Row current = row;
        for (int s = from; s < stages.size(); s++) {
            Stage stage = stages.get(s);
            if (stage.function != null) {
                current = requireNonNull(stage.function.apply(current), "map function returned null");
            } else if (stage.predicate != null) {
                if (!stage.predicate.test(current)) {
                    return;
                }
            } else {
                int next = s + 1;
                stage.flatMap.apply(current, r -> apply(requireNonNull(r, "flat-map produced null"), next, weight, out));
                return;
            }
        }
        out.add(current, weight);
    }

    private record Stage(RowFunction function, RowPredicate predicate, FlatMapFunction flatMap) {
    }
}
