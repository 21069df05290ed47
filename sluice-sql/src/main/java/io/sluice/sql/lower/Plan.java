package io.sluice.sql.lower;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitBuilder.Stream;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import java.util.List;
import java.util.function.Function;

/**
 * A lowered query: a tree of engine operators with their compiled functions, independent of any
 * circuit. {@link #emit} adds it to a {@link CircuitBuilder}; emitting the same plan into fresh
 * builders creates the same operators in the same order, so operator ids are stable.
 */
public sealed interface Plan {
    /** Adds the operators of this plan; {@code relations} gives the stream of each table or view it reads. */
    Stream emit(Function<String, Stream> relations);

    /** Reads a table or view. */
    record Scan(String relation) implements Plan {
        public Scan {
            requireNonNull(relation, "relation is null");
        }

        @Override
        public Stream emit(Function<String, Stream> relations) {
            return relations.apply(relation);
        }
    }

    record Map(Plan input, RowFunction function) implements Plan {
        @Override
        public Stream emit(Function<String, Stream> relations) {
            return input.emit(relations).map(function);
        }
    }

    record Filter(Plan input, RowPredicate predicate) implements Plan {
        @Override
        public Stream emit(Function<String, Stream> relations) {
            return input.emit(relations).filter(predicate);
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
        public Stream emit(Function<String, Stream> relations) {
            Stream l = left.emit(relations).filter(leftKeyNotNull).indexBy(leftKey, row -> row);
            Stream r = right.emit(relations).filter(rightKeyNotNull).indexBy(rightKey, row -> row);
            return l.join(r, function);
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
        public Stream emit(Function<String, Stream> relations) {
            Stream indexed = input.emit(relations).indexBy(key, row -> row);
            return global ? indexed.globalAggregate(calls) : indexed.aggregate(calls);
        }
    }
}
