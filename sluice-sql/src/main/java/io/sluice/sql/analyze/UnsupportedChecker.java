package io.sluice.sql.analyze;

import io.sluice.sql.SqlCompileException;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlGroupedWindowFunction;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindowTableFunction;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Refuses, with the position of the construct, the SQL that Sluice does not compile yet. It runs on
 * the validated tree; whatever slips through is refused again when the plan is lowered, then with
 * the position of the enclosing query.
 */
final class UnsupportedChecker extends SqlBasicVisitor<Void> {
    private static final Set<String> FUNCTIONS = Set.of("CAST", "COALESCE", "NULLIF",
            // strings
            "UPPER", "LOWER", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "SUBSTRING", "TRIM", "POSITION",
            "REPLACE", "CONCAT",
            // numbers
            "ABS", "MOD", "FLOOR", "CEIL", "CEILING", "ROUND", "TRUNCATE", "POWER", "SQRT", "EXP", "LN", "LOG10",
            "SIGN",
            // dates, times, intervals
            "EXTRACT", "YEAR", "QUARTER", "MONTH", "WEEK", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "HOUR", "MINUTE",
            "SECOND", "DATE_TRUNC", "TIMESTAMPADD", "TIMESTAMPDIFF",
            // arrays
            "CARDINALITY");

    private static final Set<SqlKind> AGGREGATES = Set.of(SqlKind.COUNT, SqlKind.SUM, SqlKind.SUM0, SqlKind.AVG,
            SqlKind.MIN, SqlKind.MAX, SqlKind.ANY_VALUE, SqlKind.STDDEV_POP, SqlKind.STDDEV_SAMP, SqlKind.VAR_POP,
            SqlKind.VAR_SAMP, SqlKind.GROUPING, SqlKind.GROUPING_ID, SqlKind.SINGLE_VALUE, SqlKind.ROW_NUMBER,
            SqlKind.RANK, SqlKind.DENSE_RANK);

    private static final Set<SqlKind> WINDOW_FUNCTIONS = Set.of(SqlKind.ROW_NUMBER, SqlKind.RANK, SqlKind.DENSE_RANK,
            SqlKind.COUNT, SqlKind.SUM, SqlKind.SUM0, SqlKind.AVG, SqlKind.MIN, SqlKind.MAX);

    private final boolean clockAllowed;

    private UnsupportedChecker(boolean clockAllowed) {
        this.clockAllowed = clockAllowed;
    }

    /**
     * Checks a query. ORDER BY with LIMIT / OFFSET is allowed anywhere (top-k); ORDER BY without
     * them orders nothing in a view or subquery, which are sets of rows, and is ignored there.
     */
    static void check(SqlNode validated) {
        check(validated, false);
    }

    /** As {@link #check(SqlNode)}; the clock functions (NOW(), CURRENT_TIMESTAMP...) are accepted only with {@code clockAllowed}. */
    static void check(SqlNode validated, boolean clockAllowed) {
        validated.accept(new UnsupportedChecker(clockAllowed));
    }

    @Override
    public Void visit(SqlCall call) {
        SqlKind kind = call.getKind();
        SqlParserPos pos = call.getParserPosition();
        switch (kind) {
            case OVER -> checkOver(call);
            case SIMILAR -> throw refuse(pos, "SIMILAR TO is not supported (LIKE is)");
            case SELECT -> checkSelect((SqlSelect) call);
            case JOIN -> checkJoin((SqlJoin) call);
            case TUMBLE, HOP, DESCRIPTOR, COLLECTION_TABLE, EXPLICIT_TABLE, ARGUMENT_ASSIGNMENT, UNION, EXCEPT,
                    INTERSECT, GROUPING_SETS, ROLLUP, CUBE, EXISTS, SCALAR_QUERY, SOME, ALL, VALUES,
                    ORDER_BY, IN, NOT_IN, WITH, WITH_ITEM -> {
            }
            default -> checkFunction(call);
        }
        return super.visit(call);
    }

    /**
     * The ranking functions, which the lowering turns into top-k when their rank is limited, and
     * COUNT, SUM, AVG, MIN and MAX, whose frame the lowering checks (RANGE ... PRECEDING AND CURRENT ROW).
     */
    private static void checkOver(SqlCall call) {
        SqlNode function = call.operand(0);
        SqlKind kind = function.getKind();
        if (!WINDOW_FUNCTIONS.contains(kind)) {
            throw refuse(call.getParserPosition(), "window function " + kind.sql + " ... OVER is not supported; "
                    + "COUNT, SUM, AVG, MIN and MAX OVER (... RANGE BETWEEN ... PRECEDING AND CURRENT ROW) are, and "
                    + "ROW_NUMBER(), RANK() and DENSE_RANK() when the outer query keeps the top k (WHERE rn <= k)");
        }
    }

    private static void checkSelect(SqlSelect select) {
        if (select.getQualify() != null) {
            throw refuse(select.getQualify().getParserPosition(), "QUALIFY is not supported");
        }
    }

    private static void checkJoin(SqlJoin join) {
        switch (join.getJoinType()) {
            case INNER, COMMA, CROSS, LEFT, RIGHT, FULL -> {
            }
            default -> throw refuse(join.getJoinTypeNode().getParserPosition(),
                    join.getJoinType().name().replace('_', ' ') + " JOIN is not supported");
        }
    }

    private void checkFunction(SqlCall call) {
        if (call.getOperator() instanceof SqlAggFunction agg) {
            if (!AGGREGATES.contains(agg.getKind())) {
                throw refuse(call.getParserPosition(), "aggregate function " + agg.getName() + " is not supported "
                        + "(COUNT, SUM, AVG, MIN, MAX, EVERY/BOOL_AND, SOME/BOOL_OR, STDDEV_POP/SAMP, VAR_POP/SAMP, "
                        + "ANY_VALUE and GROUPING are)");
            }
            if (agg.getKind() != SqlKind.COUNT && agg.getKind() != SqlKind.GROUPING
                    && call instanceof SqlBasicCall && call.getOperandList().size() > 1) {
                throw refuse(call.getParserPosition(), agg.getName() + " with several arguments is not supported");
            }
            return;
        }
        if (call.getOperator() instanceof SqlWindowTableFunction || call.getKind() == SqlKind.DESCRIPTOR) {
            return; // TUMBLE, HOP (SESSION is refused when lowered)
        }
        if (call.getOperator() instanceof SqlGroupedWindowFunction f) {
            // GROUP BY TUMBLE(ts, size) / HOP(ts, slide, size) with TUMBLE_START / _END, HOP_START / _END
            if (f.getKind() == SqlKind.SESSION || f.getKind() == SqlKind.SESSION_START
                    || f.getKind() == SqlKind.SESSION_END) {
                throw refuse(call.getParserPosition(), "SESSION windows are not supported (TUMBLE and HOP are)");
            }
            return;
        }
        if (ClockRewrite.isClock(call.getOperator())) {
            if (!clockAllowed) {
                throw refuse(call.getParserPosition(), call.getOperator().getName() + " is not supported in an "
                        + "ad-hoc query; a view can use it (it reads the pipeline's clock input 'now')");
            }
            return;
        }
        if (call.getOperator() instanceof SqlFunction f
                && !FUNCTIONS.contains(f.getName().toUpperCase(Locale.ROOT))) {
            throw refuse(call.getParserPosition(), "function " + f.getName() + " is not supported");
        }
    }

    private static SqlCompileException refuse(SqlParserPos pos, String message) {
        return new SqlCompileException(pos.getLineNum(), pos.getColumnNum(), message);
    }
}
