package io.sluice.sql.lower;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.aggregate.GroupAggregate;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexFieldCollation;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.rex.RexWindow;
import org.apache.calcite.rex.RexWindowBound;
import org.apache.calcite.rex.RexWindowExclusion;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * Window aggregates: {@code COUNT / SUM / AVG / MIN / MAX (...) OVER ([PARTITION BY ...] [ORDER BY o]
 * RANGE BETWEEN n PRECEDING | UNBOUNDED PRECEDING AND CURRENT ROW)}, each window becoming the
 * engine's {@code rangeWindow} (Feldera's {@code RangeAggregates}, reference §2.6.6).
 *
 * <p>Lowering: the input rows are extended with the values the windows read (ORDER BY values and
 * aggregate arguments, which may be expressions); each distinct window then appends its aggregate
 * values, in turn; finally the projection reads those columns in place of the OVER calls. ORDER BY
 * is one TIMESTAMP or integer expression, ascending or descending (a descending value is negated,
 * which turns {@code n PRECEDING} into the range above it). Without ORDER BY the frame is the whole
 * partition. ROWS frames, FOLLOWING bounds, EXCLUDE and DISTINCT are refused.
 */
final class WindowAggregates {
    private static final String FRAME_MESSAGE = "window aggregates are supported over RANGE BETWEEN <n> PRECEDING "
            + "(or UNBOUNDED PRECEDING) AND CURRENT ROW, with one TIMESTAMP or integer ORDER BY column";

    private WindowAggregates() {
    }

    /** One distinct window as the engine takes it. */
    private record Window(List<AggregateCall> calls, RowFunction partitionKey, int orderColumn, Object range,
            boolean nullsFirst) {
    }

    static Plan lower(Project project, Plan input, ExprCompiler exprs) {
        int inputCount = project.getInput().getRowType().getFieldCount();
        List<RexOver> overs = new ArrayList<>();
        for (RexNode e : project.getProjects()) {
            e.accept(new RexVisitorImpl<Void>(true) {
                @Override
                public Void visitOver(RexOver over) {
                    if (!overs.contains(over)) {
                        overs.add(over);
                    }
                    return null;
                }
            });
        }
        Map<RexWindow, List<RexOver>> byWindow = new LinkedHashMap<>();
        for (RexOver over : overs) {
            checkCall(over);
            byWindow.computeIfAbsent(over.getWindow(), w -> new ArrayList<>()).add(over);
        }
        // each input row is extended with one ORDER BY value per window, then the aggregate arguments;
        // each window then appends its aggregate values
        List<RowFunction> extra = new ArrayList<>();
        List<RexNode> arguments = new ArrayList<>();
        int argumentBase = inputCount + byWindow.size();
        Map<RexOver, Integer> columnOf = new LinkedHashMap<>();
        List<List<AggregateCall>> callsByWindow = new ArrayList<>();
        for (List<RexOver> calls : byWindow.values()) {
            List<AggregateCall> aggregateCalls = new ArrayList<>();
            for (RexOver over : calls) {
                List<Integer> args = new ArrayList<>();
                for (RexNode operand : over.getOperands()) {
                    int i = arguments.indexOf(operand);
                    if (i < 0) {
                        arguments.add(operand);
                        i = arguments.size() - 1;
                    }
                    args.add(argumentBase + i);
                }
                AggregateCall call = AggregateCall.create(over.getAggOperator(), false, false, over.ignoreNulls(),
                        List.of(), args, -1, null, RelCollations.EMPTY, over.getType(), null);
                String refusal = SqlAggregates.unsupported(call);
                if (refusal != null) {
                    throw new UnsupportedPlanException(refusal);
                }
                aggregateCalls.add(call);
            }
            callsByWindow.add(aggregateCalls);
        }
        int next = argumentBase + arguments.size();
        List<Window> windows = new ArrayList<>();
        int w = 0;
        for (Map.Entry<RexWindow, List<RexOver>> entry : byWindow.entrySet()) {
            Frame frame = frame(entry.getKey(), exprs);
            extra.add(frame.orderValue);
            windows.add(new Window(callsByWindow.get(w), partitionKey(entry.getKey(), exprs), inputCount + w,
                    frame.range, frame.nullsFirst));
            for (RexOver over : entry.getValue()) {
                columnOf.put(over, next++);
            }
            w++;
        }
        for (RexNode operand : arguments) {
            Expr e = exprs.compile(operand);
            extra.add(row -> Row.of(e.eval(row)));
        }
        List<RexNode> rewritten = new ArrayList<>();
        for (RexNode e : project.getProjects()) {
            rewritten.add(e.accept(new RexShuttle() {
                @Override
                public RexNode visitOver(RexOver over) {
                    return new RexInputRef(columnOf.get(over), over.getType());
                }
            }));
        }
        RowFunction projection = exprs.project(rewritten);
        List<RowFunction> extraColumns = List.copyOf(extra);
        RowFunction extend = row -> {
            Row out = row;
            for (RowFunction f : extraColumns) {
                out = out.concat(f.apply(row));
            }
            return out;
        };
        return new Plan.Operators("window aggregates", List.of(input), (b, in) -> {
            CircuitBuilder.Stream s = in.get(0).map(extend);
            for (Window window : windows) {
                GroupAggregate aggregate = SqlAggregates.of(window.calls);
                s = s.indexBy(window.partitionKey, row -> row)
                        .rangeWindow(window.orderColumn, window.range, window.nullsFirst, aggregate);
            }
            return s.map(projection);
        });
    }

    private static void checkCall(RexOver over) {
        SqlKind kind = over.getAggOperator().getKind();
        switch (kind) {
            case COUNT, SUM, SUM0, AVG, MIN, MAX -> {
            }
            default -> throw new UnsupportedPlanException("window function " + over.getAggOperator().getName()
                    + " ... OVER is not supported (COUNT, SUM, AVG, MIN and MAX are; ROW_NUMBER, RANK and DENSE_RANK "
                    + "when the outer query keeps the top k)");
        }
        if (over.isDistinct()) {
            throw new UnsupportedPlanException(over.getAggOperator().getName() + "(DISTINCT ...) OVER is not supported");
        }
    }

    private static RowFunction partitionKey(RexWindow w, ExprCompiler exprs) {
        List<Expr> keys = new ArrayList<>();
        for (RexNode p : w.partitionKeys) {
            keys.add(exprs.compile(p));
        }
        return row -> {
            Object[] out = new Object[keys.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = keys.get(i).eval(row);
            }
            return Row.wrap(out);
        };
    }

    /** A window's frame as the engine takes it: the ORDER BY value column, the range, the NULL order. */
    private record Frame(RowFunction orderValue, Object range, boolean nullsFirst) {
    }

    private static Frame frame(RexWindow w, ExprCompiler exprs) {
        if (w.getExclude() != RexWindowExclusion.EXCLUDE_NO_OTHER) {
            throw new UnsupportedPlanException("EXCLUDE in a window frame is not supported");
        }
        RexWindowBound lower = w.getLowerBound();
        RexWindowBound upper = w.getUpperBound();
        if (w.orderKeys.isEmpty()) {
            if (!lower.isUnboundedPreceding() || !(upper.isUnboundedFollowing() || upper.isCurrentRow())) {
                throw new UnsupportedPlanException(FRAME_MESSAGE);
            }
            // every row of the partition is a peer of every other: the frame is the whole partition
            return new Frame(row -> Row.of(0L), null, false);
        }
        if (w.isRows()) {
            throw new UnsupportedPlanException("ROWS frames are not supported; " + FRAME_MESSAGE);
        }
        if (!upper.isCurrentRow()) {
            throw new UnsupportedPlanException(FRAME_MESSAGE);
        }
        if (w.orderKeys.size() != 1) {
            throw new UnsupportedPlanException("a RANGE frame needs exactly one ORDER BY column");
        }
        RexFieldCollation order = w.orderKeys.get(0);
        boolean descending = order.getDirection().isDescending();
        boolean nullsFirst = switch (order.getNullDirection()) {
            case FIRST -> true;
            case LAST -> false;
            default -> descending;
        };
        ColumnType type = ExprCompiler.typeOf(order.left.getType());
        boolean timestamp = type.kind() == Kind.TIMESTAMP;
        if (!timestamp && !isInteger(type.kind())) {
            throw new UnsupportedPlanException("a RANGE frame needs a TIMESTAMP or integer ORDER BY column, not "
                    + type);
        }
        Object range;
        if (lower.isUnboundedPreceding()) {
            range = null;
        } else if (lower.isCurrentRow()) {
            range = 0L;
        } else if (lower.isPreceding() && lower.getOffset() instanceof RexLiteral literal
                && literal.getValueAs(BigDecimal.class) != null) {
            BigDecimal v = literal.getValueAs(BigDecimal.class);
            boolean yearMonth = literal.getType().getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_YEAR_MONTH;
            boolean interval = literal.getType().getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_DAY_TIME;
            if (yearMonth || interval != timestamp || v.signum() < 0 || v.stripTrailingZeros().scale() > 0) {
                throw new UnsupportedPlanException("RANGE <n> PRECEDING needs a non-negative day-time INTERVAL literal "
                        + "(SECOND, MINUTE, HOUR, DAY) for a TIMESTAMP ORDER BY column and a non-negative integer "
                        + "literal for an integer one");
            }
            // a day-time interval literal holds milliseconds; TIMESTAMP values are compared in nanoseconds
            range = timestamp ? Math.multiplyExact(v.longValueExact(), 1_000_000L) : v.longValueExact();
        } else {
            throw new UnsupportedPlanException(FRAME_MESSAGE);
        }
        Expr value = exprs.compile(order.left);
        RowFunction orderValue = row -> {
            Object v = value.eval(row);
            if (v == null) {
                return Row.of((Object) null);
            }
            long l = v instanceof LocalDateTime t ? epochNanos(t) : ((Number) v).longValue();
            if (descending && l == Long.MIN_VALUE) {
                throw new EvaluationException("ORDER BY value out of range for a descending RANGE frame: " + v);
            }
            return Row.of(descending ? -l : l);
        };
        return new Frame(orderValue, range, nullsFirst);
    }

    private static long epochNanos(LocalDateTime t) {
        try {
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            throw new EvaluationException("timestamp out of the window range (years 1678-2261): "
                    + t, e);
        }
    }

    private static boolean isInteger(Kind kind) {
        return kind == Kind.TINYINT || kind == Kind.SMALLINT || kind == Kind.INTEGER || kind == Kind.BIGINT;
    }
}
