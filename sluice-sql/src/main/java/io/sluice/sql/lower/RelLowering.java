package io.sluice.sql.lower;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Lowers a Calcite plan to a {@link Plan}, refusing every node and expression Sluice cannot run
 * correctly. Supported: table scans, projections, filters, inner equi-joins (with extra conditions
 * fused into the join) and grouped COUNT(*), COUNT(col) and SUM(col).
 */
public final class RelLowering {
    private final ExprCompiler exprs;

    public RelLowering(RexBuilder rexBuilder) {
        this(rexBuilder, null);
    }

    /** {@code context} (e.g. {@code "view v"}) prefixes the message of every runtime error; null for none. */
    public RelLowering(RexBuilder rexBuilder, String context) {
        this.exprs = new ExprCompiler(rexBuilder, context);
    }

    public ExprCompiler expressions() {
        return exprs;
    }

    public Plan lower(RelNode rel) {
        if (rel instanceof TableScan scan) {
            List<String> name = scan.getTable().getQualifiedName();
            return new Plan.Scan(name.get(name.size() - 1));
        }
        if (rel instanceof Project project) {
            for (RexNode e : project.getProjects()) {
                if (RexOver.containsOver(e)) {
                    throw new UnsupportedPlanException("window functions (OVER) are not supported");
                }
            }
            return new Plan.Map(lower(project.getInput()), exprs.project(project.getProjects()));
        }
        if (rel instanceof Filter filter) {
            return new Plan.Filter(lower(filter.getInput()), exprs.predicate(filter.getCondition()));
        }
        if (rel instanceof Join join) {
            return lowerJoin(join);
        }
        if (rel instanceof Aggregate aggregate) {
            return lowerAggregate(aggregate);
        }
        if (rel instanceof Sort) {
            throw new UnsupportedPlanException("ORDER BY, LIMIT and OFFSET are only supported on the outermost query");
        }
        if (rel instanceof org.apache.calcite.rel.core.Values) {
            throw new UnsupportedPlanException("VALUES and SELECT without FROM are not supported");
        }
        throw new UnsupportedPlanException("relational operator " + rel.getRelTypeName() + " is not supported");
    }

    private Plan lowerJoin(Join join) {
        if (join.getJoinType() != JoinRelType.INNER) {
            throw new UnsupportedPlanException(join.getJoinType() + " JOIN is not supported (only inner joins are)");
        }
        int leftCount = join.getLeft().getRowType().getFieldCount();
        List<RexNode> leftKeys = new ArrayList<>();
        List<RexNode> rightKeys = new ArrayList<>();
        List<RexNode> residual = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
            if (conjunct.isAlwaysTrue()) {
                continue;
            }
            if (conjunct.getKind() == SqlKind.EQUALS) {
                RexNode a = ((RexCall) conjunct).getOperands().get(0);
                RexNode b = ((RexCall) conjunct).getOperands().get(1);
                int sa = side(a, leftCount);
                int sb = side(b, leftCount);
                if (sa == 0 && sb == 1) {
                    leftKeys.add(a);
                    rightKeys.add(RexUtil.shift(b, -leftCount));
                    continue;
                }
                if (sa == 1 && sb == 0) {
                    leftKeys.add(b);
                    rightKeys.add(RexUtil.shift(a, -leftCount));
                    continue;
                }
            }
            residual.add(conjunct);
        }
        int n = leftKeys.size();
        Expr[] left = new Expr[n];
        Expr[] right = new Expr[n];
        for (int i = 0; i < n; i++) {
            ColumnType lt = ExprCompiler.typeOf(leftKeys.get(i).getType());
            ColumnType rt = ExprCompiler.typeOf(rightKeys.get(i).getType());
            UnaryOperator<Object> common = commonKey(lt, rt);
            Expr l = exprs.compile(leftKeys.get(i));
            Expr r = exprs.compile(rightKeys.get(i));
            left[i] = row -> common.apply(l.eval(row));
            right[i] = row -> common.apply(r.eval(row));
        }
        RowPredicate rest = residual.isEmpty() ? null
                : exprs.predicate(RexUtil.composeConjunction(join.getCluster().getRexBuilder(), residual));
        JoinFunction function = rest == null
                ? (key, l, r) -> l.concat(r)
                : (key, l, r) -> {
                    Row out = l.concat(r);
                    return rest.test(out) ? out : null;
                };
        return new Plan.Join(lower(join.getLeft()), notNull(left), keyFunction(left),
                lower(join.getRight()), notNull(right), keyFunction(right), function);
    }

    /** 0 when {@code e} reads only left columns, 1 when only right ones, -1 otherwise (or none). */
    private static int side(RexNode e, int leftCount) {
        ImmutableBitSet bits = RelOptUtil.InputFinder.bits(e);
        if (bits.isEmpty()) {
            return -1;
        }
        if (bits.nextSetBit(leftCount) < 0) {
            return 0;
        }
        return bits.nextSetBit(0) >= leftCount ? 1 : -1;
    }

    /** Converts both sides of an equi-key to one Java class, so equal SQL values are equal keys. */
    private static UnaryOperator<Object> commonKey(ColumnType a, ColumnType b) {
        if (a.kind() == Kind.CHAR && (b.kind() == Kind.CHAR || b.kind() == Kind.VARCHAR)
                || b.kind() == Kind.CHAR && a.kind() == Kind.VARCHAR) {
            return v -> v == null ? null : ((String) v).stripTrailing(); // PAD SPACE, as in comparisons
        }
        if (a.kind() == b.kind()) {
            return v -> v;
        }
        if (Values.isNumeric(a.kind()) && Values.isNumeric(b.kind())) {
            if (a.kind() == Kind.DOUBLE || b.kind() == Kind.DOUBLE || a.kind() == Kind.REAL
                    || b.kind() == Kind.REAL) {
                return v -> v == null ? null : ((Number) v).doubleValue();
            }
            if (a.kind() == Kind.DECIMAL || b.kind() == Kind.DECIMAL) {
                return v -> v == null ? null : Values.toBigDecimal((Number) v);
            }
            return v -> v == null ? null : ((Number) v).longValue();
        }
        throw new UnsupportedPlanException("join on " + a + " = " + b + " is not supported");
    }

    private static RowFunction keyFunction(Expr[] keys) {
        return row -> {
            Object[] out = new Object[keys.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = keys[i].eval(row);
            }
            return Row.wrap(out);
        };
    }

    private static RowPredicate notNull(Expr[] keys) {
        return row -> {
            for (Expr k : keys) {
                if (k.eval(row) == null) {
                    return false;
                }
            }
            return true;
        };
    }

    private Plan lowerAggregate(Aggregate aggregate) {
        if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
            throw new UnsupportedPlanException("GROUPING SETS, ROLLUP and CUBE are not supported");
        }
        List<AggregateCall> calls = new ArrayList<>();
        for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
            calls.add(aggregateCall(call));
        }
        if (calls.isEmpty()) {
            throw new UnsupportedPlanException("DISTINCT, or GROUP BY without aggregate functions, is not supported");
        }
        int[] groupColumns = aggregate.getGroupSet().toArray();
        return new Plan.Aggregate(lower(aggregate.getInput()), row -> row.project(groupColumns), calls,
                groupColumns.length == 0);
    }

    private static AggregateCall aggregateCall(org.apache.calcite.rel.core.AggregateCall call) {
        String name = call.getAggregation().getName();
        if (call.isDistinct() || call.hasFilter() || call.isApproximate() || !call.getCollation().getFieldCollations()
                .isEmpty()) {
            throw new UnsupportedPlanException(name + " with DISTINCT, FILTER or WITHIN GROUP is not supported");
        }
        List<Integer> args = call.getArgList();
        SqlKind kind = call.getAggregation().getKind();
        if (kind == SqlKind.COUNT && args.isEmpty()) {
            return AggregateCall.countStar();
        }
        if (kind == SqlKind.COUNT && args.size() == 1) {
            return AggregateCall.count(args.get(0));
        }
        if (kind == SqlKind.SUM && args.size() == 1) {
            ColumnType t = ExprCompiler.typeOf(call.getType());
            AggregateCall.NumericType type = switch (t.kind()) {
                case TINYINT -> AggregateCall.NumericType.TINYINT;
                case SMALLINT -> AggregateCall.NumericType.SMALLINT;
                case INTEGER -> AggregateCall.NumericType.INTEGER;
                case BIGINT -> AggregateCall.NumericType.BIGINT;
                case DOUBLE -> AggregateCall.NumericType.DOUBLE;
                case DECIMAL -> AggregateCall.NumericType.DECIMAL;
                default -> throw new UnsupportedPlanException("SUM of " + t + " is not supported");
            };
            return AggregateCall.sum(args.get(0), type);
        }
        throw new UnsupportedPlanException("aggregate function " + name + " is not supported (COUNT and SUM are)");
    }
}
