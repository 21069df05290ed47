package io.sluice.engine.circuit;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.ConstantOperator;
import io.sluice.engine.operator.DeindexOperator;
import io.sluice.engine.operator.DelayOperator;
import io.sluice.engine.operator.DistinctOperator;
import io.sluice.engine.operator.EntryFunction;
import io.sluice.engine.operator.FlatMapFunction;
import io.sluice.engine.operator.IndexByOperator;
import io.sluice.engine.operator.IntegrateOperator;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.MapFilterOperator;
import io.sluice.engine.operator.MapValuesOperator;
import io.sluice.engine.operator.NegateOperator;
import io.sluice.engine.operator.Operator;
import io.sluice.engine.operator.PlusOperator;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import io.sluice.engine.operator.UpsertInputOperator;
import io.sluice.engine.operator.ZSetInputOperator;
import io.sluice.engine.operator.aggregate.AggregateOperator;
import io.sluice.engine.operator.aggregate.AppendOnlyMinMaxOperator;
import io.sluice.engine.operator.aggregate.GeneralAggregateOperator;
import io.sluice.engine.operator.aggregate.GroupAggregate;
import io.sluice.engine.operator.aggregate.MinMax;
import io.sluice.engine.operator.join.AntijoinOperator;
import io.sluice.engine.operator.join.JoinOperator;
import io.sluice.engine.operator.time.LatenessOperator;
import io.sluice.engine.operator.time.Retention;
import io.sluice.engine.operator.time.WaterlineOperator;
import io.sluice.engine.operator.time.Windows;
import io.sluice.engine.operator.topk.RankKind;
import io.sluice.engine.operator.topk.TopKOperator;
import io.sluice.engine.operator.window.RangeWindowOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
 * More operators: {@code flatMap}, {@code tumble}/{@code hop} (windows), {@code deindex},
 * {@code mapValues}, {@code antijoin}, {@code distinct}, {@code delay}, {@code min}/{@code max}/
 * {@code minMax}, {@code groupAggregate} (any aggregate of the group's values),
 * {@code appendOnlyMinMax}, {@code topK}, {@code rangeWindow} (aggregates OVER a RANGE frame), and
 * {@code lateness} whose {@code waterline()} feeds the
 * {@link Retain}s that let join, antijoin, aggregates and distinct forget old state (see
 * {@code docs/engine.md}).
 *
 * <p>Every stateful operator keeps its state keyed by its own key (join / group / partition key,
 * or the whole row for distinct), so running one copy per worker on hash shards only needs an
 * exchange by that key before it; the waterline is the one scalar to combine across workers.
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

    /**
     * A stream whose integral is the fixed Z-set {@code contents} (SQL {@code VALUES}): the rows
     * arrive at the first step and never change.
     */
    public Stream constant(Batch contents) {
        requireNonNull(contents, "contents is null");
        return add(() -> new ConstantOperator(contents), Shape.ZSET);
    }

    /** Declares {@code stream} as the output {@code name}; materialized outputs keep their contents for {@link Circuit#snapshot}. */
    public void output(String name, Stream stream, boolean materialized) {
        requireNonNull(name, "name is null");
        checkOwn(stream);
        if (outputs.containsKey(name)) {
            throw new IllegalArgumentException("duplicate output: " + name);
        }
        if (stream.shape != Shape.ZSET) {
            throw new IllegalArgumentException("output " + name + " must be a Z-set of rows, not " + stream.shape.description);
        }
        int node = materialized ? add(IntegrateOperator::new, Shape.ZSET, stream.node).node : stream.node;
        outputs.put(name, new OutputSpec(node, materialized));
    }

    /** Builds a circuit that runs on one thread, the caller's. */
    public Circuit build() {
        return build(1);
    }

    /**
     * Builds a circuit that runs {@code workers} copies of the program, each on its own thread and on
     * a hash shard of the data, with an exchange by key before each stateful operator (see
     * {@link Circuit}). Results do not depend on {@code workers}. With more than one worker the
     * circuit owns threads: {@link Circuit#close()} stops them.
     */
    public Circuit build(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1: " + workers);
        }
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
        List<List<Node>> copies = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            List<Node> built = new ArrayList<>(nodes.size());
            for (int i = 0; i < nodes.size(); i++) {
                NodeSpec spec = nodes.get(i);
                built.add(new Node("n" + i + "-" + spec.kind, spec.factory.get(), spec.inputs.clone(), live[i],
                        spec.exchange, spec.keyed));
            }
            copies.add(built);
        }
        Map<String, Circuit.Output> outs = new LinkedHashMap<>();
        outputs.forEach((name, spec) -> outs.put(name, new Circuit.Output(spec.node, spec.materialized)));
        return new Circuit(copies, inputs, outs);
    }

    private Stream addInput(String name, Supplier<Operator> factory) {
        requireNonNull(name, "name is null");
        if (inputs.containsKey(name)) {
            throw new IllegalArgumentException("duplicate input: " + name);
        }
        Stream stream = add(factory, Shape.ZSET);
        inputs.put(name, stream.node);
        return stream;
    }

    private Stream add(Supplier<? extends Operator> factory, Shape shape, int... inputNodes) {
        String kind = factory.get().kind();
        nodes.add(new NodeSpec(kind, factory, inputNodes, null, Exchange.NONE, 0));
        return new Stream(this, nodes.size() - 1, shape, -1);
    }

    /**
     * Adds a stateful operator whose first {@code keyed} inputs are exchanged between workers before
     * it ({@link Exchange#KEY}: by the batch key; {@link Exchange#SINGLE}: all to worker 0).
     */
    private Stream addExchanged(Supplier<? extends Operator> factory, Shape shape, Exchange exchange, int keyed, int... inputNodes) {
        String kind = factory.get().kind();
        nodes.add(new NodeSpec(kind, factory, inputNodes, null, exchange, keyed));
        return new Stream(this, nodes.size() - 1, shape, -1);
    }

    /**
     * The inputs of a stateful operator: its data inputs, then the waterline of each non-null
     * retain; {@code retentions} receives the matching {@link Retention}s (null for null retains).
     */
    private int[] wire(int[] data, Retention[] retentions, Retain... retains) {
        int[] all = Arrays.copyOf(data, data.length + retains.length);
        int n = data.length;
        for (int i = 0; i < retains.length; i++) {
            Retain retain = retains[i];
            if (retain != null) {
                checkOwn(retain.waterline());
                if (retain.waterline().shape != Shape.WATERLINE) {
                    throw new IllegalArgumentException("a retain needs a waterline stream (use lateness(...).waterline())");
                }
                retentions[i] = new Retention(retain.target(), retain.column(), retain.bound(), n);
                all[n++] = retain.waterline().node;
            }
        }
        return Arrays.copyOf(all, n);
    }

    private Stream addMapFilter(Stream source, MapFilterOperator stage) {
        NodeSpec sourceSpec = nodes.get(source.node);
        if (sourceSpec.mapFilter != null) {
            MapFilterOperator fused = sourceSpec.mapFilter.then(stage);
            nodes.add(new NodeSpec(fused.kind(), () -> fused, sourceSpec.inputs, fused, Exchange.NONE, 0));
        } else {
            nodes.add(new NodeSpec(stage.kind(), () -> stage, new int[] {source.node}, stage, Exchange.NONE, 0));
        }
        return new Stream(this, nodes.size() - 1, Shape.ZSET, -1);
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
    private record NodeSpec(String kind, Supplier<? extends Operator> factory, int[] inputs, MapFilterOperator mapFilter,
            Exchange exchange, int keyed) {
    }

    private record OutputSpec(int node, boolean materialized) {
    }

    /** What a stream carries. */
    private enum Shape {
        ZSET("a Z-set of rows"), INDEXED("an indexed stream"), WATERLINE("a waterline");

        private final String description;

        Shape(String description) {
            this.description = description;
        }
    }

    /**
     * What a stateful operator may forget once a waterline passes: entries whose key
     * ({@link Retention.Target#KEY}) or value column {@code column} is below {@code bound(waterline)}.
     * See {@link Retention} for when that is safe.
     */
    public record Retain(Stream waterline, Retention.Target target, int column, UnaryOperator<Object> bound) {
        public Retain {
            requireNonNull(waterline, "waterline is null");
            requireNonNull(target, "target is null");
            requireNonNull(bound, "bound is null");
        }

        /** Forget keys whose column {@code column} is below the waterline. */
        public static Retain keys(Stream waterline, int column) {
            return new Retain(waterline, Retention.Target.KEY, column, UnaryOperator.identity());
        }

        public static Retain keys(Stream waterline, int column, UnaryOperator<Object> bound) {
            return new Retain(waterline, Retention.Target.KEY, column, bound);
        }

        /** Forget values whose column {@code column} is below the waterline. */
        public static Retain values(Stream waterline, int column) {
            return new Retain(waterline, Retention.Target.VALUE, column, UnaryOperator.identity());
        }

        public static Retain values(Stream waterline, int column, UnaryOperator<Object> bound) {
            return new Retain(waterline, Retention.Target.VALUE, column, bound);
        }
    }

    /** A stream of batches produced by one node of the circuit under construction. */
    public static final class Stream {
        private final CircuitBuilder builder;
        private final int node;
        private final Shape shape;
        private final int waterlineNode;

        private Stream(CircuitBuilder builder, int node, Shape shape, int waterlineNode) {
            this.builder = builder;
            this.node = node;
            this.shape = shape;
            this.waterlineNode = waterlineNode;
        }

        public Stream map(RowFunction function) {
            requireZSet("map");
            return builder.addMapFilter(this, MapFilterOperator.map(function));
        }

        public Stream filter(RowPredicate predicate) {
            requireZSet("filter");
            return builder.addMapFilter(this, MapFilterOperator.filter(predicate));
        }

        /** Each row becomes the 0..n rows {@code function} produces, each with the row's weight; fused with adjacent maps and filters. */
        public Stream flatMap(FlatMapFunction function) {
            requireZSet("flatMap");
            return builder.addMapFilter(this, MapFilterOperator.flatMap(function));
        }

        /**
         * TUMBLE(column, size): appends {@code window_start, window_end} of the window that holds the
         * row's timestamp; rows with a NULL timestamp are dropped. {@code size} is a
         * {@link java.time.Duration} for TIMESTAMP columns, a {@link Long} for integer ones.
         */
        public Stream tumble(int column, Object size) {
            return tumble(column, size, zeroLike(size));
        }

        /** TUMBLE with windows starting at {@code offset} + k * size. */
        public Stream tumble(int column, Object size, Object offset) {
            return flatMap(Windows.tumble(column, size, offset));
        }

        /** HOP(column, slide, size): one row per window of length {@code size}, every {@code slide}, that holds the timestamp. */
        public Stream hop(int column, Object slide, Object size) {
            return hop(column, slide, size, zeroLike(size));
        }

        public Stream hop(int column, Object slide, Object size, Object offset) {
            return flatMap(Windows.hop(column, slide, size, offset));
        }

        /** Z-set to indexed Z-set: each row becomes (key(row), value(row)). */
        public Stream indexBy(RowFunction key, RowFunction value) {
            requireZSet("indexBy");
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
            return builder.add(() -> new IndexByOperator(key, value), Shape.INDEXED, node);
        }

        /** Indexed stream to Z-set: each entry (key, value) becomes {@code function(key, value)}; null drops it. */
        public Stream deindex(EntryFunction function) {
            requireIndexed("deindex");
            requireNonNull(function, "function is null");
            return builder.add(() -> new DeindexOperator(function), Shape.ZSET, node);
        }

        /** Indexed stream to indexed stream with the same keys: each value v becomes {@code function(v)}. */
        public Stream mapValues(RowFunction function) {
            requireIndexed("mapValues");
            requireNonNull(function, "function is null");
            return builder.add(() -> new MapValuesOperator(function), Shape.INDEXED, node);
        }

        /** Incremental inner equi-join of two indexed streams on their keys; produces a Z-set. */
        public Stream join(Stream other, JoinFunction function) {
            return join(other, function, null, null);
        }

        /**
         * A join whose traces forget what the waterlines allow: {@code retainLeft} for this side's
         * trace, {@code retainRight} for {@code other}'s; either may be null. A side's trace is read
         * by the other side's later deltas, so its retain takes the other side's waterline.
         */
        public Stream join(Stream other, JoinFunction function, Retain retainLeft, Retain retainRight) {
            builder.checkOwn(other);
            requireNonNull(function, "function is null");
            if (shape != Shape.INDEXED || other.shape != Shape.INDEXED) {
                throw new IllegalStateException("join needs two indexed streams (use indexBy)");
            }
            Retention[] r = new Retention[2];
            int[] in = builder.wire(new int[] {node, other.node}, r, retainLeft, retainRight);
            return builder.addExchanged(() -> new JoinOperator(function, r[0], r[1]), Shape.ZSET, Exchange.KEY, 2, in);
        }

        /**
         * Incremental antijoin of two indexed streams: the entries of this stream whose key is not a
         * key of {@code other} (whose entries under that key have a positive total weight). Produces
         * an indexed stream like this one; {@link #deindex} turns it into rows.
         */
        public Stream antijoin(Stream other) {
            return antijoin(other, null, null);
        }

        /** An antijoin whose traces forget what the waterlines allow; {@code retainRight} must retain keys. */
        public Stream antijoin(Stream other, Retain retainLeft, Retain retainRight) {
            builder.checkOwn(other);
            if (shape != Shape.INDEXED || other.shape != Shape.INDEXED) {
                throw new IllegalStateException("antijoin needs two indexed streams (use indexBy)");
            }
            Retention[] r = new Retention[2];
            int[] in = builder.wire(new int[] {node, other.node}, r, retainLeft, retainRight);
            return builder.addExchanged(() -> new AntijoinOperator(r[0], r[1]), Shape.INDEXED, Exchange.KEY, 2, in);
        }

        /**
         * Incremental distinct: each row (or, for an indexed stream, each (key, value) entry) with a
         * positive weight in the integral appears once in the output's integral. Same shape as this stream.
         */
        public Stream distinct() {
            return distinct(null);
        }

        /** A distinct whose trace forgets what the waterline allows. */
        public Stream distinct(Retain retain) {
            requireData("distinct");
            Retention[] r = new Retention[1];
            int[] in = builder.wire(new int[] {node}, r, retain);
            return builder.addExchanged(() -> new DistinctOperator(r[0]), shape, Exchange.KEY, 1, in);
        }

        /** z^-1: the previous step's batch of this stream (empty at the first step). */
        public Stream delay() {
            requireData("delay");
            return builder.add(DelayOperator::new, shape, node);
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
            return aggregate(calls, null);
        }

        /** A grouped linear aggregate whose groups below the waterline bound are forgotten; {@code retain} must retain keys. */
        public Stream aggregate(List<AggregateCall> calls, Retain retain) {
            List<AggregateCall> copy = List.copyOf(calls);
            requireIndexed("aggregate");
            Retention[] r = new Retention[1];
            int[] in = builder.wire(new int[] {node}, r, retain);
            return builder.addExchanged(() -> new AggregateOperator(copy, false, r[0]), Shape.ZSET, Exchange.KEY, 1, in);
        }

        /**
         * A global aggregate (no GROUP BY) of an indexed stream whose keys are all empty: always
         * exactly one output row, from the first step on, the aggregates of the empty input
         * (COUNT 0, SUM NULL) while the input is empty.
         */
        public Stream globalAggregate(List<AggregateCall> calls) {
            List<AggregateCall> copy = List.copyOf(calls);
            requireIndexed("globalAggregate");
            return builder.addExchanged(() -> new AggregateOperator(copy, true), Shape.ZSET, Exchange.SINGLE, 1, node);
        }

        /**
         * Grouped aggregation by a function of the whole group (the generic hook for non-linear
         * aggregates), recomputed for the groups each step touches; produces {@code key ++ result}.
         */
        public Stream groupAggregate(GroupAggregate aggregate, Retain retain) {
            requireNonNull(aggregate, "aggregate is null");
            requireIndexed("groupAggregate");
            Retention[] r = new Retention[1];
            int[] in = builder.wire(new int[] {node}, r, retain);
            return builder.addExchanged(() -> new GeneralAggregateOperator(aggregate, false, r[0]), Shape.ZSET, Exchange.KEY, 1, in);
        }

        /** A global {@link #groupAggregate}: exactly one output row from the first step on. */
        public Stream globalGroupAggregate(GroupAggregate aggregate) {
            requireNonNull(aggregate, "aggregate is null");
            requireIndexed("globalGroupAggregate");
            return builder.addExchanged(() -> new GeneralAggregateOperator(aggregate, true, null), Shape.ZSET, Exchange.SINGLE, 1, node);
        }

        /** Grouped MIN of value column {@code column}, with retractions: rows {@code key ++ [min]}. */
        public Stream min(int column) {
            return minMax(MinMax.min(column), null);
        }

        /** Grouped MAX of value column {@code column}, with retractions: rows {@code key ++ [max]}. */
        public Stream max(int column) {
            return minMax(MinMax.max(column), null);
        }

        /**
         * Grouped MIN or MAX with retractions. The values are first projected to the one column, so
         * the trace holds only that column, sorted, and MIN / MAX read its first / last entry.
         */
        public Stream minMax(MinMax aggregate, Retain retain) {
            requireIndexed("minMax");
            int column = aggregate.column();
            return mapValues(v -> Row.of(v.get(column))).groupAggregate(new MinMax(aggregate.max(), 0), retain);
        }

        /**
         * Grouped MIN or MAX over an append-only input (a deletion is an error): O(1) state per
         * group; rows {@code key ++ [result]}.
         */
        public Stream appendOnlyMinMax(MinMax aggregate, Retain retain) {
            requireNonNull(aggregate, "aggregate is null");
            requireIndexed("appendOnlyMinMax");
            Retention[] r = new Retention[1];
            int[] in = builder.wire(new int[] {node}, r, retain);
            return builder.addExchanged(() -> new AppendOnlyMinMaxOperator(aggregate, r[0]), Shape.ZSET, Exchange.KEY, 1, in);
        }

        /**
         * Top-k per group of an indexed stream (partition key -> row): the rows whose rank in
         * {@code order} is at most k, as rows {@code row ++ [rank]}. ORDER BY ... LIMIT k is
         * ROW_NUMBER under the empty key.
         */
        public Stream topK(Comparator<Row> order, long k, RankKind rankKind) {
            requireIndexed("topK");
            requireNonNull(order, "order is null");
            return builder.addExchanged(() -> TopKOperator.byComparator(order, k, rankKind), Shape.ZSET, Exchange.KEY, 1, node);
        }

        /**
         * Top-k per group ordered by {@code columns} of the row, all ascending or all descending (NULL
         * first ascending, last descending): the trace is kept in that order, so a step reads each
         * touched partition only up to rank k.
         */
        public Stream topK(int[] columns, boolean descending, long k, RankKind rankKind) {
            requireIndexed("topK");
            int[] copy = requireNonNull(columns, "columns is null").clone();
            return builder.addExchanged(() -> TopKOperator.byColumns(copy, descending, k, rankKind), Shape.ZSET, Exchange.KEY, 1, node);
        }

        /**
         * Window aggregate over a RANGE frame of an indexed stream (partition key -> row):
         * {@code agg OVER (PARTITION BY key ORDER BY row[orderColumn] RANGE BETWEEN range PRECEDING
         * AND CURRENT ROW)}, one output row {@code row ++ aggregate(frame)} per input row. {@code range}
         * is a {@link java.time.Duration} for TIMESTAMP values, a {@link Long} for integer ones, null
         * for UNBOUNDED PRECEDING; see {@link RangeWindowOperator} for NULL values.
         */
        public Stream rangeWindow(int orderColumn, Object range, boolean nullsFirst, GroupAggregate aggregate) {
            requireIndexed("rangeWindow");
            requireNonNull(aggregate, "aggregate is null");
            return builder.addExchanged(() -> new RangeWindowOperator(orderColumn, range, nullsFirst, aggregate),
                    Shape.ZSET, Exchange.KEY, 1, node);
        }

        /**
         * Declares LATENESS on timestamp column {@code column}: changes whose timestamp is below the
         * waterline (max timestamp seen - {@code lateness}, as of the previous step) are dropped.
         * The returned stream's {@link #waterline()} feeds retains of stateful operators downstream.
         * {@code lateness} is a {@link java.time.Duration} for TIMESTAMP columns, a {@link Long} for integer ones.
         */
        public Stream lateness(int column, Object lateness) {
            requireZSet("lateness");
            Stream filtered = builder.add(() -> new LatenessOperator(column, lateness), Shape.ZSET, node);
            Stream waterline = builder.add(() -> new WaterlineOperator(column, lateness), Shape.WATERLINE, filtered.node);
            return new Stream(builder, filtered.node, Shape.ZSET, waterline.node);
        }

        /** The waterline of a stream made by {@link #lateness}. */
        public Stream waterline() {
            if (waterlineNode < 0) {
                throw new IllegalStateException("only a stream made by lateness(...) has a waterline");
            }
            return new Stream(builder, waterlineNode, Shape.WATERLINE, -1);
        }

        public Stream plus(Stream other) {
            builder.checkOwn(other);
            requireData("plus");
            if (shape != other.shape) {
                throw new IllegalStateException("plus needs two streams of the same kind (indexed or not)");
            }
            return builder.add(PlusOperator::new, shape, node, other.node);
        }

        public Stream negate() {
            requireData("negate");
            return builder.add(NegateOperator::new, shape, node);
        }

        private static Object zeroLike(Object interval) {
            return interval instanceof Duration ? Duration.ZERO : (Object) 0L;
        }

        private void requireData(String operation) {
            if (shape == Shape.WATERLINE) {
                throw new IllegalStateException(operation + " needs a Z-set or an indexed stream, not a waterline");
            }
        }

        private void requireZSet(String operation) {
            if (shape != Shape.ZSET) {
                throw new IllegalStateException(operation + " needs a Z-set of rows, not " + shape.description);
            }
        }

        private void requireIndexed(String operation) {
            if (shape != Shape.INDEXED) {
                throw new IllegalStateException(operation + " needs an indexed stream (use indexBy), not " + shape.description);
            }
        }
    }
}
