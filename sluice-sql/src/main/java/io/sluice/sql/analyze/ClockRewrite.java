package io.sluice.sql.analyze;

import io.sluice.sql.SqlCompileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Turns the clock functions ({@code NOW()}, {@code CURRENT_TIMESTAMP}, {@code CURRENT_DATE},
 * {@code CURRENT_TIME}, {@code LOCALTIME}, {@code LOCALTIMESTAMP}) into a read of the built-in
 * one-row relation {@value #RELATION}, the DBSP way: a filter or projection that calls one becomes
 * the same filter or projection over its input cross-joined with {@value #RELATION}, and each call
 * becomes a reference to (a cast of) its one column. The pipeline replaces that row when the clock
 * advances, so the view is maintained like any other: a row leaves {@code WHERE ts > NOW() -
 * INTERVAL '1' HOUR} in the step where the clock passes its time, and comes back if the row changes.
 */
final class ClockRewrite {
    /** The name of the clock relation, of its circuit input and of its one TIMESTAMP column. */
    static final String RELATION = "now";

    /** {@code NOW()}: Calcite has no such function; it is {@code CURRENT_TIMESTAMP} with millisecond precision. */
    static final SqlFunction NOW = new SqlFunction("NOW", SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.TIMESTAMP, 3), null, OperandTypes.NILADIC,
            SqlFunctionCategory.TIMEDATE) {
        @Override
        public boolean isDynamicFunction() {
            return true;
        }

        @Override
        public boolean isDeterministic() {
            return false;
        }
    };

    static final Set<String> FUNCTIONS = Set.of("NOW", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME",
            "LOCALTIME", "LOCALTIMESTAMP");

    private ClockRewrite() {
    }

    static boolean isClock(SqlOperator operator) {
        return operator instanceof SqlFunction f && FUNCTIONS.contains(f.getName().toUpperCase(Locale.ROOT));
    }

    /**
     * {@code rel} with every clock call replaced by a read of {@value #RELATION}; {@code builder}
     * can scan it. A clock call anywhere but a filter or projection (a join condition the planner
     * kept) is refused at {@code pos}.
     */
    static RelNode rewrite(RelNode rel, RelBuilder builder, SqlParserPos pos) {
        List<RelNode> inputs = new ArrayList<>();
        for (RelNode input : rel.getInputs()) {
            inputs.add(rewrite(input, builder, pos));
        }
        RelNode node = inputs.equals(rel.getInputs()) ? rel : rel.copy(rel.getTraitSet(), inputs);
        if (node instanceof Filter filter && contains(List.of(filter.getCondition()))) {
            int n = filter.getInput().getRowType().getFieldCount();
            RexNode condition = replace(filter.getCondition(), builder.getRexBuilder(), clockRef(builder, filter.getInput()));
            return builder.filter(condition).project(builder.fields(ImmutableBitSet.range(n))).build();
        }
        if (node instanceof Project project && contains(project.getProjects())) {
            RexNode now = clockRef(builder, project.getInput());
            List<RexNode> exprs = new ArrayList<>();
            for (RexNode e : project.getProjects()) {
                exprs.add(replace(e, builder.getRexBuilder(), now));
            }
            return builder.project(exprs, project.getRowType().getFieldNames(), true).build();
        }
        if (node instanceof Join join && join.getJoinType() == JoinRelType.INNER && callsClock(join)) {
            // the planner moved a WHERE condition into the join: take the clock's conjuncts back out
            List<RexNode> plain = new ArrayList<>();
            List<RexNode> timed = new ArrayList<>();
            for (RexNode c : RelOptUtil.conjunctions(join.getCondition())) {
                (contains(List.of(c)) ? timed : plain).add(c);
            }
            RelNode split = builder.push(join.getLeft()).push(join.getRight()).join(JoinRelType.INNER, plain)
                    .filter(timed).build();
            return rewrite(split, builder, pos);
        }
        if (callsClock(node)) {
            throw new SqlCompileException(pos.getLineNum(), pos.getColumnNum(), "NOW() and the other clock "
                    + "functions are supported in SELECT, WHERE, HAVING and inner join conditions, not in an outer "
                    + "join condition; move the comparison with the clock to the WHERE clause");
        }
        return node;
    }

    /** Whether {@code rel} or a node below it calls a clock function. */
    static boolean reads(RelNode rel) {
        if (callsClock(rel)) {
            return true;
        }
        for (RelNode input : rel.getInputs()) {
            if (reads(input)) {
                return true;
            }
        }
        return false;
    }

    private static boolean callsClock(RelNode node) {
        boolean[] found = {false};
        node.accept(new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                found[0] |= isClock(call.getOperator());
                return super.visitCall(call);
            }
        });
        return found[0];
    }

    /** Pushes {@code input} cross-joined with the clock relation; returns the reference to the clock column. */
    private static RexNode clockRef(RelBuilder builder, RelNode input) {
        int n = input.getRowType().getFieldCount();
        builder.push(input).scan(RELATION).join(JoinRelType.INNER, builder.literal(true));
        return builder.field(n);
    }

    private static boolean contains(List<RexNode> exprs) {
        for (RexNode e : exprs) {
            boolean[] found = {false};
            e.accept(new RexShuttle() {
                @Override
                public RexNode visitCall(RexCall call) {
                    found[0] |= isClock(call.getOperator());
                    return super.visitCall(call);
                }
            });
            if (found[0]) {
                return true;
            }
        }
        return false;
    }

    private static RexNode replace(RexNode expr, RexBuilder rexBuilder, RexNode now) {
        return expr.accept(new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                if (isClock(call.getOperator())) {
                    RelDataType type = call.getType();
                    return type.equals(now.getType()) ? now : rexBuilder.makeCast(type, now, true, false);
                }
                return super.visitCall(call);
            }
        });
    }
}
