package io.sluice.sql.lower;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.aggregate.GroupAggregate;
import io.sluice.engine.operator.aggregate.GroupValues;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.sql.SqlKind;

/**
 * SQL aggregate functions computed from the whole group ({@link GroupAggregate}): every aggregate
 * Sluice supports, with DISTINCT and FILTER (WHERE ...). The engine recomputes a group each step
 * that touches it; the linear aggregates (COUNT, SUM, AVG without DISTINCT or FILTER) use the
 * engine's incremental operator instead when a query has only those.
 */
final class SqlAggregates implements GroupAggregate {
    private final List<Supplier<Accumulator>> factories;

    private SqlAggregates(List<Supplier<Accumulator>> factories) {
        this.factories = List.copyOf(factories);
    }

    /** The aggregate of {@code calls}, over value rows that are the aggregate's whole input rows. */
    static SqlAggregates of(List<AggregateCall> calls) {
        List<Supplier<Accumulator>> factories = new ArrayList<>();
        for (AggregateCall call : calls) {
            factories.add(factory(call));
        }
        return new SqlAggregates(factories);
    }

    @Override
    public Row apply(Row key, GroupValues group) {
        List<Accumulator> accs = new ArrayList<>(factories.size());
        for (Supplier<Accumulator> f : factories) {
            accs.add(f.get());
        }
        group.scan(false, (val, weight) -> {
            if (weight > 0) {
                for (Accumulator a : accs) {
                    a.add(val, weight);
                }
            }
            return true;
        });
        Object[] out = new Object[accs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = accs.get(i).result();
        }
        return Row.wrap(out);
    }

    /** One aggregate of one group, fed each distinct value row with its (positive) weight. */
    interface Accumulator {
        void add(Row row, long weight);

        Object result();
    }

    /** Whether Sluice computes {@code call}; the message of the refusal otherwise, else null. */
    static String unsupported(AggregateCall call) {
        if (!call.getCollation().getFieldCollations().isEmpty()) {
            return call.getAggregation().getName() + " ... WITHIN GROUP is not supported";
        }
        try {
            factory(call);
            return null;
        } catch (UnsupportedPlanException e) {
            return e.getMessage();
        }
    }

    private static Supplier<Accumulator> factory(AggregateCall call) {
        Supplier<Accumulator> base = baseFactory(call);
        Supplier<Accumulator> withDistinct = base;
        if (call.isDistinct()) {
            int[] args = call.getArgList().stream().mapToInt(Integer::intValue).toArray();
            withDistinct = () -> new DistinctAccumulator(base.get(), args);
        }
        if (call.hasFilter()) {
            int filter = call.filterArg;
            Supplier<Accumulator> inner = withDistinct;
            return () -> new FilterAccumulator(inner.get(), filter);
        }
        return withDistinct;
    }

    private static Supplier<Accumulator> baseFactory(AggregateCall call) {
        SqlKind kind = call.getAggregation().getKind();
        List<Integer> args = call.getArgList();
        String name = call.getAggregation().getName();
        ColumnType type = ExprCompiler.typeOf(call.getType());
        int arg = args.isEmpty() ? -1 : args.get(0);
        if (kind != SqlKind.COUNT && kind != SqlKind.LITERAL_AGG && args.size() != 1) {
            throw new UnsupportedPlanException("aggregate function " + name + " with " + args.size()
                    + " arguments is not supported");
        }
        return switch (kind) {
            case COUNT -> {
                int[] cols = args.stream().mapToInt(Integer::intValue).toArray();
                yield () -> new Count(cols);
            }
            case SUM -> () -> new Sum(arg, type, false);
            case SUM0 -> () -> new Sum(arg, type, true);
            case AVG -> () -> new Avg(arg, type);
            case MIN -> () -> new MinMax(arg, false);
            case MAX -> () -> new MinMax(arg, true);
            case ANY_VALUE -> () -> new MinMax(arg, false);
            case SINGLE_VALUE -> () -> new SingleValue(arg);
            case STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP -> () -> new Variance(arg, kind, type);
            case LITERAL_AGG -> {
                Object value = ExprCompiler.literalValue((RexLiteral) call.rexList.get(0));
                yield () -> new Constant(value);
            }
            default -> throw new UnsupportedPlanException("aggregate function " + name + " is not supported");
        };
    }

    private static final class Count implements Accumulator {
        private final int[] columns;
        private long count;

        Count(int[] columns) {
            this.columns = columns;
        }

        @Override
        public void add(Row row, long weight) {
            for (int c : columns) {
                if (row.get(c) == null) {
                    return;
                }
            }
            count += weight;
        }

        @Override
        public Object result() {
            return count;
        }
    }

    private static final class Sum implements Accumulator {
        private final int column;
        private final ColumnType type;
        private final boolean zeroWhenEmpty;
        private BigDecimal exact;
        private double real;
        private boolean any;

        Sum(int column, ColumnType type, boolean zeroWhenEmpty) {
            this.column = column;
            this.type = type;
            this.zeroWhenEmpty = zeroWhenEmpty;
        }

        @Override
        public void add(Row row, long weight) {
            Object v = row.get(column);
            if (v == null) {
                return;
            }
            any = true;
            if (type.kind() == Kind.DOUBLE) {
                real += ((Number) v).doubleValue() * weight;
            } else {
                BigDecimal d = exact((Number) v).multiply(BigDecimal.valueOf(weight));
                exact = exact == null ? d : exact.add(d);
            }
        }

        @Override
        public Object result() {
            if (!any) {
                return zeroWhenEmpty ? Values.cast(0L, type) : null;
            }
            if (type.kind() == Kind.REAL) {
                return toReal(exact, "SUM");
            }
            return type.kind() == Kind.DOUBLE ? (Object) real : Values.cast(exact, type);
        }
    }

    private static final class Avg implements Accumulator {
        private final int column;
        private final ColumnType type;
        private BigDecimal exact = BigDecimal.ZERO;
        private double real;
        private long count;

        Avg(int column, ColumnType type) {
            this.column = column;
            this.type = type;
        }

        @Override
        public void add(Row row, long weight) {
            Object v = row.get(column);
            if (v == null) {
                return;
            }
            count += weight;
            if (type.kind() == Kind.DOUBLE) {
                real += ((Number) v).doubleValue() * weight;
            } else {
                exact = exact.add(exact((Number) v).multiply(BigDecimal.valueOf(weight)));
            }
        }

        @Override
        public Object result() {
            if (count == 0) {
                return null;
            }
            if (type.kind() == Kind.DOUBLE) {
                return real / count;
            }
            if (type.kind() == Kind.REAL) {
                return toReal(exact.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128), "AVG");
            }
            int scale = type.kind() == Kind.DECIMAL ? type.scale() : 0;
            return Values.cast(exact.divide(BigDecimal.valueOf(count), scale, RoundingMode.DOWN), type);
        }
    }

    /**
     * The exact value of a number. A REAL is taken at its exact binary value, so a SUM or AVG of
     * REAL is the exact result rounded once to REAL: it does not depend on the order of the rows or
     * on the deletions a group went through (float additions would).
     */
    private static BigDecimal exact(Number n) {
        return n instanceof Float f ? new BigDecimal(f.doubleValue()) : Values.toBigDecimal(n);
    }

    /** {@code value} rounded to the nearest REAL; a value beyond REAL's range is an overflow error. */
    private static Float toReal(BigDecimal value, String function) {
        float f = value.floatValue();
        if (Float.isInfinite(f)) {
            throw new EvaluationException(function + " overflows REAL");
        }
        return f;
    }

    private static final class MinMax implements Accumulator {
        private final int column;
        private final boolean max;
        private Object best;

        MinMax(int column, boolean max) {
            this.column = column;
            this.max = max;
        }

        @Override
        public void add(Row row, long weight) {
            Object v = row.get(column);
            if (v == null) {
                return;
            }
            if (best == null) {
                best = v;
                return;
            }
            int c = Values.compare(v, best);
            if (max ? c > 0 : c < 0) {
                best = v;
            }
        }

        @Override
        public Object result() {
            return best;
        }
    }

    private static final class SingleValue implements Accumulator {
        private final int column;
        private long rows;
        private Object value;

        SingleValue(int column) {
            this.column = column;
        }

        @Override
        public void add(Row row, long weight) {
            rows += weight;
            if (rows > 1) {
                throw new EvaluationException("a subquery used as a scalar expression returned more than one row");
            }
            value = row.get(column);
        }

        @Override
        public Object result() {
            return value;
        }
    }

    /** VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP, from exact sums; NULL when too few values. */
    private static final class Variance implements Accumulator {
        private final int column;
        private final SqlKind kind;
        private final ColumnType type;
        private BigDecimal sum = BigDecimal.ZERO;
        private BigDecimal sumSquares = BigDecimal.ZERO;
        private long count;

        Variance(int column, SqlKind kind, ColumnType type) {
            this.column = column;
            this.kind = kind;
            this.type = type;
        }

        @Override
        public void add(Row row, long weight) {
            Object v = row.get(column);
            if (v == null) {
                return;
            }
            BigDecimal d = v instanceof Double x ? new BigDecimal(x) : exact((Number) v);
            BigDecimal w = BigDecimal.valueOf(weight);
            count += weight;
            sum = sum.add(d.multiply(w));
            sumSquares = sumSquares.add(d.multiply(d).multiply(w));
        }

        @Override
        public Object result() {
            boolean sample = kind == SqlKind.VAR_SAMP || kind == SqlKind.STDDEV_SAMP;
            long divisor = sample ? count - 1 : count;
            if (count == 0 || divisor == 0) {
                return null;
            }
            MathContext mc = MathContext.DECIMAL128;
            BigDecimal n = BigDecimal.valueOf(count);
            BigDecimal numerator = sumSquares.subtract(sum.multiply(sum).divide(n, mc));
            BigDecimal variance = numerator.divide(BigDecimal.valueOf(divisor), mc);
            if (variance.signum() < 0) {
                variance = BigDecimal.ZERO;
            }
            BigDecimal result = kind == SqlKind.STDDEV_POP || kind == SqlKind.STDDEV_SAMP ? variance.sqrt(mc)
                    : variance;
            if (type.kind() == Kind.DOUBLE) {
                return result.doubleValue();
            }
            int scale = type.kind() == Kind.DECIMAL ? type.scale() : 0;
            return Values.cast(result.setScale(scale, RoundingMode.DOWN), type);
        }
    }

    private static final class Constant implements Accumulator {
        private final Object value;

        Constant(Object value) {
            this.value = value;
        }

        @Override
        public void add(Row row, long weight) {
        }

        @Override
        public Object result() {
            return value;
        }
    }

    /** DISTINCT: each distinct argument tuple is fed once, with weight 1. */
    private static final class DistinctAccumulator implements Accumulator {
        private final Accumulator inner;
        private final int[] args;
        private final Set<Row> seen = new HashSet<>();

        DistinctAccumulator(Accumulator inner, int[] args) {
            this.inner = inner;
            this.args = args;
        }

        @Override
        public void add(Row row, long weight) {
            if (seen.add(row.project(args))) {
                inner.add(row, 1);
            }
        }

        @Override
        public Object result() {
            return inner.result();
        }
    }

    /** FILTER (WHERE ...): only rows whose filter column is TRUE. */
    private static final class FilterAccumulator implements Accumulator {
        private final Accumulator inner;
        private final int filter;

        FilterAccumulator(Accumulator inner, int filter) {
            this.inner = inner;
            this.filter = filter;
        }

        @Override
        public void add(Row row, long weight) {
            if (Boolean.TRUE.equals(row.get(filter))) {
                inner.add(row, weight);
            }
        }

        @Override
        public Object result() {
            return inner.result();
        }
    }
}
