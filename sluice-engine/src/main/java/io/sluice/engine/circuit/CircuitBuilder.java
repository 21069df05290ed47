package io.sluice.engine.circuit;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.IndexByOperator;
import io.sluice.engine.operator.IntegrateOperator;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.MapFilterOperator;
import io.sluice.engine.operator.NegateOperator;
import io.sluice.engine.operator.Operator;
import io.sluice.engine.operator.PlusOperator;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import io.sluice.engine.operator.UpsertInputOperator;
import io.sluice.engine.operator.ZSetInputOperator;
import io.sluice.engine.operator.aggregate.AggregateOperator;
import io.sluice.engine.operator.join.JoinOperator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds a {@link Circuit}. Nodes are added in dependency order (a node can only consume streams
 * that already exist), so the order of creation is a valid evaluation order, and node numbers are
 * stable for the same program: they name operator state in checkpoints.
 *
 * <p>API:
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
 *
 * <p>The builder keeps a factory per node, so {@link #build()} can be called more than once; each
 * call makes an independent circuit with fresh operators and the same operator ids.
 */
public final class CircuitBuilder {
    private final List<NodeSpec> nodes = new ArrayList<>();
    private final Map<String, Integer> inputs = new LinkedHashMap<>();
    private final Map<String, OutputSpec> outputs = new LinkedHashMap<>();

    public CircuitBuilder() {
    }

    /** An input table without a primary key: appended rows with weights form its delta. */
    public Stream input(String name) {
        return addInput(name, ZSetInputOperator::new);
    }

    /**
     * An input table with a primary key on {@code keyColumns}. An appended row with weight +1 inserts
     * it or replaces the row with the same key; weight -1 deletes the row with that key (only the
     * key columns of the appended row are read). Changes apply in append order within a step.
     */
    public Stream upsertInput(String name, int[] keyColumns) {
        int[] keys = requireNonNull(keyColumns, "keyColumns is null").clone();
        return addInput(name, () -> new UpsertInputOperator(keys));
    }

    /** Declares {@code stream} as the output {@code name}; materialized outputs keep their contents for {@link Circuit#snapshot}. */
    public void output(String name, Stream stream, boolean materialized) {
        requireNonNull(name, "name is null");
        checkOwn(stream);
        if (outputs.containsKey(name)) {
            throw new IllegalArgumentException("duplicate output: " + name);
        }
        if (stream.indexed) {
            throw new IllegalArgumentException("output " + name + " must be a Z-set of rows, not an indexed stream");
        }
        int node = materialized ? add(IntegrateOperator::new, false, stream.node).node : stream.node;
        outputs.put(name, new OutputSpec(node, materialized));
    }

    public Circuit build() {
        boolean[] live = new boolean[nodes.size()];
        for (int input : inputs.values()) {
            live[input] = true;
        }
        for (OutputSpec output : outputs.values()) {
            live[output.node] = true;
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (live[i]) {
                for (int in : nodes.get(i).inputs) {
                    live[in] = true;
                }
            }
        }
        List<Node> built = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec spec = nodes.get(i);
            built.add(new Node("n" + i + "-" + spec.kind, spec.factory.get(), spec.inputs.clone(), live[i]));
        }
        Map<String, Circuit.Output> outs = new LinkedHashMap<>();
        outputs.forEach((name, spec) -> outs.put(name, new Circuit.Output(spec.node, spec.materialized)));
        return new Circuit(built, inputs, outs);
    }

    private Stream addInput(String name, Supplier<Operator> factory) {
        requireNonNull(name, "name is null");
        if (inputs.containsKey(name)) {
            throw new IllegalArgumentException("duplicate input: " + name);
        }
        Stream stream = add(factory, false);
        inputs.put(name, stream.node);
        return stream;
    }

    private Stream add(Supplier<? extends Operator> factory, boolean indexed, int... inputNodes) {
        String kind = factory.get().kind();
        nodes.add(new NodeSpec(kind, factory, inputNodes, null));
        return new Stream(this, nodes.size() - 1, indexed);
    }

    private Stream addMapFilter(Stream source, MapFilterOperator stage) {
        NodeSpec sourceSpec = nodes.get(source.node);
        if (sourceSpec.mapFilter != null) {
            MapFilterOperator fused = sourceSpec.mapFilter.then(stage);
            nodes.add(new NodeSpec(fused.kind(), () -> fused, sourceSpec.inputs, fused));
        } else {
            nodes.add(new NodeSpec(stage.kind(), () -> stage, new int[] {source.node}, stage));
        }
        return new Stream(this, nodes.size() - 1, false);
    }

    private void checkOwn(Stream stream) {
        requireNonNull(stream, "stream is null");
        if (stream.builder != this) {
            throw new IllegalArgumentException("stream belongs to another circuit builder");
        }
    }

    /**
     * @param mapFilter for a map/filter node, its (stateless, shareable) operator, so that a
     *     following map or filter can fuse with it
     */
    private record NodeSpec(String kind, Supplier<? extends Operator> factory, int[] inputs, MapFilterOperator mapFilter) {
    }

    private record OutputSpec(int node, boolean materialized) {
    }

    /** A stream of batches produced by one node of the circuit under construction. */
    public static final class Stream {
        private final CircuitBuilder builder;
        private final int node;
        private final boolean indexed;

        private Stream(CircuitBuilder builder, int node, boolean indexed) {
            this.builder = builder;
            this.node = node;
            this.indexed = indexed;
        }

        public Stream map(RowFunction function) {
            requireZSet("map");
            return builder.addMapFilter(this, MapFilterOperator.map(function));
        }

        public Stream filter(RowPredicate predicate) {
            requireZSet("filter");
            return builder.addMapFilter(this, MapFilterOperator.filter(predicate));
        }

        /** Z-set to indexed Z-set: each row becomes (key(row), value(row)). */
        public Stream indexBy(RowFunction key, RowFunction value) {
            requireZSet("indexBy");
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
            return builder.add(() -> new IndexByOperator(key, value), true, node);
        }

        /** Incremental inner equi-join of two indexed streams on their keys; produces a Z-set. */
        public Stream join(Stream other, JoinFunction function) {
            builder.checkOwn(other);
            requireNonNull(function, "function is null");
            if (!indexed || !other.indexed) {
                throw new IllegalStateException("join needs two indexed streams (use indexBy)");
            }
            return builder.add(() -> new JoinOperator(function), false, node, other.node);
        }

        /**
         * Incremental grouped aggregation of an indexed stream (group key to value row); produces a
         * Z-set of rows {@code key ++ [aggregate values]}. With an empty key (a global aggregate) the
         * output always holds exactly one row, the aggregates of the empty input included.
         *
         * <p>This operator only learns that its key is empty from its input, so before the first
         * input it has no row; use {@link #globalAggregate} to get the row from the first step on.
         */
        public Stream aggregate(List<AggregateCall> calls) {
            List<AggregateCall> copy = List.copyOf(calls);
            requireIndexed("aggregate");
            return builder.add(() -> new AggregateOperator(copy, false), false, node);
        }

        /**
         * A global aggregate (no GROUP BY) of an indexed stream whose keys are all empty: always
         * exactly one output row, from the first step on, the aggregates of the empty input
         * (COUNT 0, SUM NULL) while the input is empty.
         */
        public Stream globalAggregate(List<AggregateCall> calls) {
            List<AggregateCall> copy = List.copyOf(calls);
            requireIndexed("globalAggregate");
            return builder.add(() -> new AggregateOperator(copy, true), false, node);
        }

        public Stream plus(Stream other) {
            builder.checkOwn(other);
            if (indexed != other.indexed) {
                throw new IllegalStateException("plus needs two streams of the same kind (indexed or not)");
            }
            return builder.add(PlusOperator::new, indexed, node, other.node);
        }

        public Stream negate() {
            return builder.add(NegateOperator::new, indexed, node);
        }

        private void requireZSet(String operation) {
            if (indexed) {
                throw new IllegalStateException(operation + " needs a Z-set of rows, not an indexed stream");
            }
        }

        private void requireIndexed(String operation) {
            if (!indexed) {
                throw new IllegalStateException(operation + " needs an indexed stream (use indexBy)");
            }
        }
    }
}
