package io.sluice.sql.lower;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitBuilder.Retain;
import io.sluice.engine.circuit.CircuitBuilder.Stream;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import io.sluice.sql.lower.Bounds.Bound;
import io.sluice.sql.lower.Bounds.Monotone;
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
    /**
     * Where a plan is emitted: the builder, the stream of each table or view it reads, and the
     * {@link Bound}s known for the columns of the streams emitted so far (see {@link Bounds}).
     */
    record Context(CircuitBuilder builder, Function<String, Stream> relations, Bounds bounds) {
        public Context {
            requireNonNull(builder, "builder is null");
            requireNonNull(relations, "relations is null");
            requireNonNull(bounds, "bounds is null");
        }

        public Context(CircuitBuilder builder, Function<String, Stream> relations) {
            this(builder, relations, new Bounds());
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

    /**
     * A projection. {@code monotone}, when not null, says for each output column whether it is a
     * non-decreasing function of one input column (then a bound of that column carries over).
     */
    record Map(Plan input, RowFunction function, Monotone[] monotone) implements Plan {
        public Map(Plan input, RowFunction function) {
            this(input, function, null);
        }

        @Override
        public Stream emit(Context context) {
            Stream in = input.emit(context);
            Stream out = in.map(function);
            if (monotone != null) {
                Bound[] inBounds = context.bounds().of(in);
                if (inBounds != null) {
                    Bound[] outBounds = new Bound[monotone.length];
                    for (int i = 0; i < monotone.length; i++) {
                        Monotone m = monotone[i];
                        Bound b = m == null ? null : inBounds[m.source()];
                        outBounds[i] = b == null ? null : b.then(m.function());
                    }
                    context.bounds().put(out, outBounds);
                }
            }
            return out;
        }

        @Override
        public List<Plan> inputs() {
            return List.of(input);
        }
    }

    record Filter(Plan input, RowPredicate predicate) implements Plan {
        @Override
        public Stream emit(Context context) {
            Stream in = input.emit(context);
            Stream out = in.filter(predicate);
            context.bounds().put(out, context.bounds().of(in));
            return out;
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
     *
     * <p>{@code leftKeyColumns[i]} ({@code rightKeyColumns[i]}) is the input column that key part
     * i is, unchanged, or -1; null when unknown. When the right side's column of key part i has a
     * {@link Bound}, later right deltas never look up left entries below it, so the left trace
     * forgets them, and the other way round. An output column that is key part i on both sides,
     * both bounded by the same waterline, is bounded by the smaller of the two bounds.
     */
    record Join(Plan left, RowPredicate leftKeyNotNull, RowFunction leftKey, Plan right,
            RowPredicate rightKeyNotNull, RowFunction rightKey, JoinFunction function, int[] leftKeyColumns,
            int[] rightKeyColumns, int leftArity) implements Plan {
        public Join(Plan left, RowPredicate leftKeyNotNull, RowFunction leftKey, Plan right,
                RowPredicate rightKeyNotNull, RowFunction rightKey, JoinFunction function) {
            this(left, leftKeyNotNull, leftKey, right, rightKeyNotNull, rightKey, function, null, null, -1);
        }

        @Override
        public Stream emit(Context context) {
            Stream lin = left.emit(context);
            Stream rin = right.emit(context);
            Stream l = lin.filter(leftKeyNotNull).indexBy(leftKey, row -> row);
            Stream r = rin.filter(rightKeyNotNull).indexBy(rightKey, row -> row);
            if (leftKeyColumns == null || rightKeyColumns == null) {
                return l.join(r, function);
            }
            Bound[] lb = context.bounds().of(lin);
            Bound[] rb = context.bounds().of(rin);
            Retain retainLeft = null;
            Retain retainRight = null;
            Bound[] out = null;
            for (int i = 0; i < leftKeyColumns.length; i++) {
                Bound lk = lb == null || leftKeyColumns[i] < 0 ? null : lb[leftKeyColumns[i]];
                Bound rk = rb == null || rightKeyColumns[i] < 0 ? null : rb[rightKeyColumns[i]];
                if (retainLeft == null && rk != null) {
                    retainLeft = rk.retainKeys(i);
                }
                if (retainRight == null && lk != null) {
                    retainRight = lk.retainKeys(i);
                }
                if (lk != null && rk != null && lk.waterline() == rk.waterline() && leftArity >= 0) {
                    Bound both = lk.min(rk);
                    if (out == null) {
                        out = new Bound[leftArity + rb.length];
                    }
                    out[leftKeyColumns[i]] = both;
                    out[leftArity + rightKeyColumns[i]] = both;
                }
            }
            Stream joined = retainLeft == null && retainRight == null ? l.join(r, function)
                    : l.join(r, function, retainLeft, retainRight);
            context.bounds().put(joined, out);
            return joined;
        }

        @Override
        public List<Plan> inputs() {
            return List.of(left, right);
        }
    }

    /**
     * Grouped aggregation: index by the group key, the value is the whole row; output key ++ aggregates.
     * A global aggregate (no GROUP BY) has an empty key and always exactly one output row.
     * {@code keyColumns}, when not null, are the input columns the key is made of, in order: a key
     * column with a {@link Bound} lets the groups below it be forgotten, and bounds the output column.
     */
    record Aggregate(Plan input, RowFunction key, List<AggregateCall> calls, boolean global, int[] keyColumns)
            implements Plan {
        public Aggregate {
            calls = List.copyOf(calls);
        }

        public Aggregate(Plan input, RowFunction key, List<AggregateCall> calls, boolean global) {
            this(input, key, calls, global, null);
        }

        @Override
        public Stream emit(Context context) {
            Stream in = input.emit(context);
            Stream indexed = in.indexBy(key, row -> row);
            if (global) {
                return indexed.globalAggregate(calls);
            }
            Bounds.Keyed keyed = context.bounds().keyed(in, keyColumns, calls.size());
            Stream out = keyed.retain() == null ? indexed.aggregate(calls) : indexed.aggregate(calls, keyed.retain());
            context.bounds().put(out, keyed.output());
            return out;
        }

        @Override
        public List<Plan> inputs() {
            return List.of(input);
        }
    }

    /**
     * A grouped aggregate that needs the group's values (MIN, MAX, DISTINCT aggregates, ...): index
     * by {@code keys} (input columns), the value is the whole row; output key ++ aggregates. Key
     * columns with a {@link Bound} let old groups be forgotten, as for {@link Aggregate}.
     */
    record GroupAggregate(Plan input, int[] keys, io.sluice.engine.operator.aggregate.GroupAggregate aggregate,
            int aggregateCount) implements Plan {
        @Override
        public Stream emit(Context context) {
            Stream in = input.emit(context);
            int[] k = keys;
            Stream indexed = in.indexBy(row -> row.project(k), row -> row);
            Bounds.Keyed keyed = context.bounds().keyed(in, keys, aggregateCount);
            Stream out = indexed.groupAggregate(aggregate, keyed.retain());
            context.bounds().put(out, keyed.output());
            return out;
        }

        @Override
        public List<Plan> inputs() {
            return List.of(input);
        }
    }

    /** SELECT DISTINCT of the input columns {@code columns}; a bounded column lets old rows be forgotten. */
    record Distinct(Plan input, int[] columns) implements Plan {
        @Override
        public Stream emit(Context context) {
            Stream in = input.emit(context);
            int[] c = columns;
            Stream projected = in.map(row -> row.project(c));
            Bounds.Keyed keyed = context.bounds().keyed(in, columns, 0);
            Stream out = keyed.retain() == null ? projected.distinct() : projected.distinct(keyed.retain());
            context.bounds().put(out, keyed.output());
            return out;
        }

        @Override
        public List<Plan> inputs() {
            return List.of(input);
        }
    }

    /**
     * TUMBLE or HOP over the time column {@code column}: the input columns plus window_start and
     * window_end. A window containing a timestamp t ends after t and starts after t - size, so a
     * bound b of the time column bounds window_end by b and window_start by b - size.
     *
     * @param slide the slide of a HOP, null for a TUMBLE
     * @param offset the windows' offset, or null
     */
    record Window(Plan input, int column, int arity, Object slide, Object size, Object offset) implements Plan {
        @Override
        public Stream emit(Context context) {
            Stream in = input.emit(context);
            Stream out;
            if (slide != null) {
                out = offset != null ? in.hop(column, slide, size, offset) : in.hop(column, slide, size);
            } else {
                out = offset != null ? in.tumble(column, size, offset) : in.tumble(column, size);
            }
            Bound[] inBounds = context.bounds().of(in);
            if (inBounds != null) {
                Bound[] outBounds = java.util.Arrays.copyOf(inBounds, arity + 2);
                Bound time = inBounds[column];
                if (time != null) {
                    outBounds[arity] = time.then(v -> Bounds.minus(v, size));
                    outBounds[arity + 1] = time;
                }
                context.bounds().put(out, outBounds);
            }
            return out;
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
