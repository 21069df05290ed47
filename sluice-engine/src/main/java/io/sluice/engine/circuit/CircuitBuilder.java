package io.sluice.engine.circuit;

import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import java.util.List;

/**
 * Builds a {@link Circuit}. Nodes are added in dependency order (a node can only consume streams
 * that already exist), so the order of creation is a valid evaluation order, and node numbers are
 * stable for the same program: they name operator state in checkpoints.
 *
 * <p>API (fixed; the implementation is being written):
 * <pre>
 *   CircuitBuilder b = new CircuitBuilder();
 *   Stream t = b.input("t");                               // Z-set of rows
 *   Stream u = b.upsertInput("u", new int[] {0});           // table with PRIMARY KEY on column 0
 *   Stream v = t.filter(p).map(f).indexBy(keyFn, valFn)     // indexed Z-set
 *               .join(u.indexBy(k2, v2), joinFn);           // Z-set
 *   Stream a = v.indexBy(k, val).aggregate(List.of(AggregateCall.countStar()));  // key ++ aggregates
 *   b.output("view", a, true);                              // materialized: snapshot for ad-hoc queries
 *   Circuit c = b.build();
 * </pre>
 */
public final class CircuitBuilder {
    public CircuitBuilder() {
    }

    /** An input table without a primary key: appended rows with weights form its delta. */
    public Stream input(String name) {
        throw new UnsupportedOperationException("engine circuit not built yet");
    }

    /**
     * An input table with a primary key on {@code keyColumns}. An appended row with weight +1 inserts
     * it or replaces the row with the same key; weight -1 deletes the row with that key (only the
     * key columns of the appended row are read). Changes apply in append order within a step.
     */
    public Stream upsertInput(String name, int[] keyColumns) {
        throw new UnsupportedOperationException("engine circuit not built yet");
    }

    /** Declares {@code stream} as the output {@code name}; materialized outputs keep their contents for {@link Circuit#snapshot}. */
    public void output(String name, Stream stream, boolean materialized) {
        throw new UnsupportedOperationException("engine circuit not built yet");
    }

    public Circuit build() {
        throw new UnsupportedOperationException("engine circuit not built yet");
    }

    /** A stream of batches produced by one node of the circuit under construction. */
    public static final class Stream {
        private Stream() {
        }

        public Stream map(RowFunction function) {
            throw new UnsupportedOperationException();
        }

        public Stream filter(RowPredicate predicate) {
            throw new UnsupportedOperationException();
        }

        /** Z-set to indexed Z-set: each row becomes (key(row), value(row)). */
        public Stream indexBy(RowFunction key, RowFunction value) {
            throw new UnsupportedOperationException();
        }

        /** Incremental inner equi-join of two indexed streams on their keys; produces a Z-set. */
        public Stream join(Stream other, JoinFunction function) {
            throw new UnsupportedOperationException();
        }

        /**
         * Incremental grouped aggregation of an indexed stream (group key to value row); produces a
         * Z-set of rows {@code key ++ [aggregate values]}. With an empty key (a global aggregate) the
         * output always holds exactly one row, the aggregates of the empty input included.
         */
        public Stream aggregate(List<AggregateCall> calls) {
            throw new UnsupportedOperationException();
        }

        public Stream plus(Stream other) {
            throw new UnsupportedOperationException();
        }

        public Stream negate() {
            throw new UnsupportedOperationException();
        }
    }
}
