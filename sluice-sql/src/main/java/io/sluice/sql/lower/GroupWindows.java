package io.sluice.sql.lower;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.FlatMapFunction;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.time.Windows;
import io.sluice.sql.ColumnType.Kind;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * The legacy group-window syntax, {@code GROUP BY TUMBLE(ts, size)} or {@code GROUP BY HOP(ts, slide,
 * size)} with {@code TUMBLE_START / TUMBLE_END / HOP_START / HOP_END} in the SELECT list (Nexmark
 * q7). Calcite turns the grouping expression into {@code $TUMBLE(ts, size)} / {@code $HOP(ts, slide,
 * size)} in the projection under the aggregate, whose value is the window start, and the _END
 * functions into start + size. A TUMBLE window start is a function of the row; a HOP row belongs to
 * size / slide windows, so the projection becomes a flat-map that emits the row once per window
 * (the engine's {@link Windows#hop}). Windows are aligned to the epoch, as in the TUMBLE and HOP
 * table functions. A row whose timestamp is NULL keeps a NULL window start (one NULL group),
 * as {@code $TUMBLE(NULL, size)} is NULL.
 */
final class GroupWindows {
    private GroupWindows() {
    }

    /** Whether the projection holds a {@code $TUMBLE} or {@code $HOP} grouping expression. */
    static boolean contains(Project project) {
        for (RexNode e : project.getProjects()) {
            if (e instanceof RexCall call && isGroupWindow(call)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGroupWindow(RexCall call) {
        SqlKind kind = call.getKind();
        return kind == SqlKind.TUMBLE || kind == SqlKind.HOP;
    }

    /**
     * The projection with each group-window call computed by a flat-map over the input extended
     * with the timestamp: input ++ [ts] ++ [window_start, window_end], read in place of the call.
     */
    static Plan lower(Project project, Plan input, ExprCompiler exprs) {
        int inputCount = project.getInput().getRowType().getFieldCount();
        RexCall window = null;
        for (RexNode e : project.getProjects()) {
            if (e instanceof RexCall call && isGroupWindow(call)) {
                if (window != null && !window.equals(call)) {
                    throw new UnsupportedPlanException("only one TUMBLE or HOP per GROUP BY is supported");
                }
                window = call;
            }
        }
        List<RexNode> operands = window.getOperands();
        boolean hop = window.getKind() == SqlKind.HOP;
        String name = hop ? "HOP" : "TUMBLE";
        if (operands.size() != (hop ? 3 : 2)) {
            throw new UnsupportedPlanException("GROUP BY " + name + " with an alignment time is not supported");
        }
        if (ExprCompiler.typeOf(operands.get(0).getType()).kind() != Kind.TIMESTAMP) {
            throw new UnsupportedPlanException("GROUP BY " + name + " needs a TIMESTAMP");
        }
        Duration slide = interval(operands.get(1), name);
        Duration size = hop ? interval(operands.get(2), name) : slide;
        Expr ts = exprs.compile(operands.get(0));
        FlatMapFunction windows = Windows.hop(inputCount, slide, size, Duration.ZERO);
        Row nullWindow = Row.of(null, null);
        FlatMapFunction perRow = (row, out) -> {
            Row extended = row.concat(Row.of(ts.eval(row)));
            if (extended.get(inputCount) == null) {
                out.accept(extended.concat(nullWindow));
            } else {
                windows.apply(extended, out);
            }
        };
        RexNode start = new RexInputRef(inputCount + 1, window.getType());
        RexCall replaced = window;
        List<RexNode> rewritten = new ArrayList<>();
        for (RexNode e : project.getProjects()) {
            rewritten.add(e.accept(new RexShuttle() {
                @Override
                public RexNode visitCall(RexCall call) {
                    return call.equals(replaced) ? start : super.visitCall(call);
                }
            }));
        }
        RowFunction projection = exprs.project(rewritten);
        return new Plan.Operators("GROUP BY " + name, List.of(input), (b, in) -> in.get(0).flatMap(perRow)
                .map(projection));
    }

    private static Duration interval(RexNode node, String name) {
        if (node instanceof RexLiteral literal && literal.getValueAs(BigDecimal.class) != null
                && literal.getType().getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_DAY_TIME
                && literal.getValueAs(BigDecimal.class).signum() > 0) {
            return Duration.ofMillis(literal.getValueAs(BigDecimal.class).longValueExact());
        }
        throw new UnsupportedPlanException("GROUP BY " + name + " sizes must be positive day-time interval literals "
                + "(SECOND, MINUTE, HOUR, DAY)");
    }
}
