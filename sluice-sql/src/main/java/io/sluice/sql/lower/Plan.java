package io.sluice.sql.lower;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitBuilder.Stream;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A lowered query: a tree of engine operators with their compiled functions, independent of any
 * circuit. {@link #emit} adds it to a {@link CircuitBuilder}; emitting the same plan into fresh
 * builders creates the same operators in the same order, so operator ids are stable.
 */
public sealed interface Plan {
    /** Where a plan is emitted: the builder, and the stream of each table or view it reads. */
    record Context(CircuitBuilder builder, Function<String, Stream> relations) {
        public Context {
            requireNonNull(builder, "builder is null");
            requireNonNull(relations, "relations is null");
        }
    }

    /** Adds the operators of this plan to {@code context}'s builder. */
    Stream emit(Context context);

    /** The plans this one reads. */
    List<Plan> inputs();

    /** Reads a table or view. */
    record Scan(String relation) implements Plan {
        public Scan {
            requireNonNull(relation, "relation is null");
        }

        @Override
        public Stream emit(Context context) {
            return context.relations().apply(relation);
        }

        @Override
        public List<Plan> inputs() {
            return List.of();
        }
    }

    record Map(Plan input, RowFunction function) implements Plan {
        @Override
        public Stream emit(Context context) {
            return input.emit(context).map(function);
        }

        @Override
        public List<Plan> inputs() {
            return List.of(input);
        }
    }

    record Filter(Plan input, RowPredicate predicate) implements Plan {
        @Override
        public Stream emit(Context context) {
            return input.emit(context).filter(predicate);
        }

        @Override
        public List<Plan> inputs() {
            return List.of(input);
        }
    }

    /**
     * An inner equi-join. Rows whose key has a NULL are dropped first ({@code leftKeyNotNull},
     * {@code rightKeyNotNull}), since NULL never equals anything; each side is then indexed by its
     * key with the whole row as value, and {@code function} builds the output or drops the pair.
     */
    record Join(Plan left, RowPredicate leftKeyNotNull, RowFunction leftKey, Plan right,
            RowPredicate rightKeyNotNull, RowFunction rightKey, JoinFunction function) implements Plan {
        @Override
        public Stream emit(Context context) {
            Stream l = left.emit(context).filter(leftKeyNotNull).indexBy(leftKey, row -> row);
            Stream r = right.emit(context).filter(rightKeyNotNull).indexBy(rightKey, row -> row);
            return l.join(r, function);
        }

        @Override
        public List<Plan> inputs() {
            return List.of(left, right);
        }
    }

    /**
     * Grouped aggregation: index by the group key, the value is the whole row; output key ++ aggregates.
     * A global aggregate (no GROUP BY) has an empty key and always exactly one output row.
     */
    record Aggregate(Plan input, RowFunction key, List<AggregateCall> calls, boolean global) implements Plan {
        public Aggregate {
            calls = List.copyOf(calls);
        }

        @Override
        public Stream emit(Context context) {
            Stream indexed = input.emit(context).indexBy(key, row -> row);
            return global ? indexed.globalAggregate(calls) : indexed.aggregate(calls);
        }

        @Override
        public List<Plan> inputs() {
            return List.of(input);
        }
    }

    /**
     * Any other combination of operators over the streams of {@code inputs}: {@code build} gets the
     * builder and the input streams (emitted once each, in order) and returns the output stream.
     *
     * @param description what it computes, for error messages and debugging
     */
    record Operators(String description, List<Plan> inputs, BiFunction<CircuitBuilder, List<Stream>, Stream> build)
            implements Plan {
        public Operators {
            requireNonNull(description, "description is null");
            inputs = List.copyOf(inputs);
            requireNonNull(build, "build is null");
        }

        @Override
        public Stream emit(Context context) {
            List<Stream> streams = new ArrayList<>(inputs.size());
            for (Plan p : inputs) {
                streams.add(p.emit(context));
            }
            return build.apply(context.builder(), streams);
        }
    }
}
