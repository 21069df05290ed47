package io.sluice.sql.analyze;

import io.sluice.sql.SqlCompileException;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Refuses, with the position of the construct, the SQL that Sluice does not compile yet. It runs on
 * the validated tree; whatever slips through is refused again when the plan is lowered, then with
 * the position of the enclosing query.
 */
final class UnsupportedChecker extends SqlBasicVisitor<Void> {
    private static final Set<String> FUNCTIONS = Set.of("CAST", "COALESCE", "NULLIF", "COUNT", "SUM",
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
    private static final Set<String> CLOCK_FUNCTIONS = Set.of("NOW", "CURRENT_TIMESTAMP", "CURRENT_DATE",
            "CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP");

    private final SqlNode top;
    private final boolean topOrderAllowed;

    private UnsupportedChecker(SqlNode top, boolean topOrderAllowed) {
        this.top = top;
        this.topOrderAllowed = topOrderAllowed;
    }

    /**
     * Checks a query. The outermost query may always have ORDER BY (a view ignores it: a view is a
     * set of rows); {@code topOrderAllowed} (ad-hoc queries) also permits LIMIT and OFFSET there.
     */
    static void check(SqlNode validated, boolean topOrderAllowed) {
        validated.accept(new UnsupportedChecker(validated, topOrderAllowed));
    }

    @Override
    public Void visit(SqlCall call) {
        SqlKind kind = call.getKind();
        SqlParserPos pos = call.getParserPosition();
        switch (kind) {
            case UNION, EXCEPT, INTERSECT -> throw refuse(pos, kind.sql + " is not supported");
            case OVER, WINDOW -> throw refuse(pos, "window functions (OVER) are not supported");
            case GROUPING_SETS, ROLLUP, CUBE -> throw refuse(pos, kind.sql + " is not supported");
            case EXISTS, SCALAR_QUERY, SOME, ALL -> throw refuse(pos, "subqueries in expressions are not supported");
            case SIMILAR -> throw refuse(pos, "SIMILAR TO is not supported (LIKE is)");
            case VALUES -> throw refuse(pos, "VALUES is not supported");
            case ORDER_BY -> {
                SqlOrderBy orderBy = (SqlOrderBy) call;
                if (call != top) {
                    throw refuse(pos, orderMessage());
                }
                if (!topOrderAllowed && (orderBy.fetch != null || orderBy.offset != null)) {
                    throw refuse(pos, LIMIT_IN_VIEW);
                }
            }
            case SELECT -> checkSelect((SqlSelect) call);
            case JOIN -> checkJoin((SqlJoin) call);
            case IN, NOT_IN -> {
                if (call.operand(1) instanceof SqlSelect || call.operand(1) instanceof SqlOrderBy) {
                    throw refuse(pos, "subqueries in expressions are not supported");
                }
            }
            default -> checkFunction(call);
        }
        return super.visit(call);
    }

    private static final String LIMIT_IN_VIEW = "LIMIT and OFFSET are not supported in views";

    private String orderMessage() {
        return "ORDER BY, LIMIT and OFFSET are only supported on the outermost query";
    }

    private void checkSelect(SqlSelect select) {
        if (select.isDistinct()) {
            throw refuse(select.getParserPosition(), "SELECT DISTINCT is not supported");
        }
        boolean ordered = (select.getOrderList() != null && !select.getOrderList().isEmpty())
                || select.getFetch() != null || select.getOffset() != null;
        boolean limited = select.getFetch() != null || select.getOffset() != null;
        if (ordered && (select != top || (limited && !topOrderAllowed))) {
            SqlNodeList order = select.getOrderList();
            SqlParserPos pos = order != null && !order.isEmpty() ? order.get(0).getParserPosition()
                    : select.getFetch() != null ? select.getFetch().getParserPosition()
                    : select.getOffset().getParserPosition();
            throw refuse(pos, select == top ? LIMIT_IN_VIEW : orderMessage());
        }
        if (select.getWindowList() != null && !select.getWindowList().isEmpty()) {
            throw refuse(select.getWindowList().getParserPosition(), "window functions (OVER) are not supported");
        }
        if (select.getQualify() != null) {
            throw refuse(select.getQualify().getParserPosition(), "QUALIFY is not supported");
        }
    }

    private static void checkJoin(SqlJoin join) {
        switch (join.getJoinType()) {
            case INNER, COMMA, CROSS -> {
            }
            default -> throw refuse(join.getJoinTypeNode().getParserPosition(),
                    join.getJoinType().name().replace('_', ' ') + " JOIN is not supported (only inner joins are)");
        }
    }

    private static void checkFunction(SqlCall call) {
        if (call.getOperator() instanceof SqlAggFunction agg) {
            if (agg.getKind() != SqlKind.COUNT && agg.getKind() != SqlKind.SUM) {
                throw refuse(call.getParserPosition(),
                        "aggregate function " + agg.getName() + " is not supported (COUNT and SUM are)");
            }
            if (call.getFunctionQuantifier() != null) {
                throw refuse(call.getParserPosition(),
                        agg.getName() + "(" + call.getFunctionQuantifier() + " ...) is not supported");
            }
            if (call instanceof SqlBasicCall && call.getOperandList().size() > 1) {
                throw refuse(call.getParserPosition(), agg.getName() + " with several arguments is not supported");
            }
            return;
        }
        if (call.getOperator() instanceof SqlFunction f
                && CLOCK_FUNCTIONS.contains(f.getName().toUpperCase(Locale.ROOT))) {
            throw refuse(call.getParserPosition(), f.getName() + " is not supported yet: a view's answer may not "
                    + "depend on the wall clock until the clock input (NOW() driven by the 'now' endpoint) exists");
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
