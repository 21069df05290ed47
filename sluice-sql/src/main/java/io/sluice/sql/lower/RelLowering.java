package io.sluice.sql.lower;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.CircuitBuilder.Stream;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import io.sluice.engine.operator.topk.RankKind;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldCollation;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Lowers a Calcite plan to a {@link Plan}, refusing every node and expression Sluice cannot run
 * correctly. Supported: table scans, VALUES, projections, filters, inner / left / right / full
 * outer / semi / anti joins on any condition (equalities become the join key, the rest is checked
 * per matching pair), grouped and global aggregates (with GROUPING SETS, ROLLUP and CUBE),
 * DISTINCT, UNION [ALL], EXCEPT [ALL], INTERSECT [ALL], ORDER BY ... LIMIT (top-k) and
 * ROW_NUMBER / RANK / DENSE_RANK filtered to the top k of each partition.
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
            if (containsOver(project)) {
                throw new UnsupportedPlanException(WINDOW_MESSAGE);
            }
            return new Plan.Map(lower(project.getInput()), exprs.project(project.getProjects()),
                    monotone(project.getProjects(), project.getInput().getRowType().getFieldCount()));
        }
        if (rel instanceof Filter filter) {
            if (filter.getInput() instanceof Project project && containsOver(project)) {
                return lowerWindowTopK(filter, project);
            }
            return new Plan.Filter(lower(filter.getInput()), exprs.predicate(filter.getCondition()));
        }
        if (rel instanceof Join join) {
            return lowerJoin(join);
        }
        if (rel instanceof Aggregate aggregate) {
            return lowerAggregate(aggregate);
        }
        if (rel instanceof Sort sort) {
            return lowerSort(sort);
        }
        if (rel instanceof org.apache.calcite.rel.core.Values values) {
            return lowerValues(values);
        }
        if (rel instanceof SetOp setOp) {
            return lowerSetOp(setOp);
        }
        if (rel instanceof TableFunctionScan scan) {
            return lowerWindowFunction(scan);
        }
        if (rel instanceof Correlate) {
            throw new UnsupportedPlanException("this correlated subquery could not be turned into joins; "
                    + "rewrite it as a join or an uncorrelated subquery");
        }
        throw new UnsupportedPlanException("relational operator " + rel.getRelTypeName() + " is not supported");
    }

    /**
     * For each projected expression, whether it is a non-decreasing function of one input column
     * (so a waterline bound of that column carries over, see {@link Bounds}): the column itself,
     * the column plus or minus a literal, FLOOR / CEIL of it (to a time unit or not), or a CAST
     * between integer types, or from TIMESTAMP to TIMESTAMP or DATE, of such an expression.
     */
    private Bounds.Monotone[] monotone(List<RexNode> projects, int inputArity) {
        Bounds.Monotone[] out = new Bounds.Monotone[projects.size()];
        for (int i = 0; i < out.length; i++) {
            RexNode e = projects.get(i);
            int source = monotoneSource(e);
            if (source < 0) {
                continue;
            }
            if (e instanceof RexInputRef) {
                out[i] = new Bounds.Monotone(source, v -> v);
                continue;
            }
            Expr compiled;
            try {
                compiled = exprs.compile(e);
            } catch (RuntimeException ex) {
                continue; // the projection itself compiles it and reports the problem
            }
            out[i] = new Bounds.Monotone(source, v -> {
                Object[] row = new Object[inputArity];
                row[source] = v;
                return compiled.eval(Row.wrap(row));
            });
        }
        return out;
    }

    /** The input column {@code e} is a non-decreasing function of (see {@link #monotone}), or -1. */
    private static int monotoneSource(RexNode e) {
        if (e instanceof RexInputRef ref) {
            return ref.getIndex();
        }
        if (!(e instanceof RexCall call)) {
            return -1;
        }
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case PLUS:
                if (ops.size() == 2 && isConstant(ops.get(1))) {
                    return monotoneSource(ops.get(0));
                }
                if (ops.size() == 2 && isConstant(ops.get(0))) {
                    return monotoneSource(ops.get(1));
                }
                return -1;
            case MINUS:
                return ops.size() == 2 && isConstant(ops.get(1)) ? monotoneSource(ops.get(0)) : -1;
            case FLOOR:
            case CEIL:
                return ops.size() == 1 || ops.size() == 2 && ops.get(1) instanceof RexLiteral
                        ? monotoneSource(ops.get(0)) : -1;
            case CAST: {
                ColumnType from = ExprCompiler.typeOf(ops.get(0).getType());
                ColumnType to = ExprCompiler.typeOf(call.getType());
                boolean integers = isInteger(from.kind()) && isInteger(to.kind());
                boolean time = from.kind() == Kind.TIMESTAMP && (to.kind() == Kind.TIMESTAMP || to.kind() == Kind.DATE);
                return integers || time ? monotoneSource(ops.get(0)) : -1;
            }
            default:
                return -1;
        }
    }

    /** A non-NULL literal (a NULL operand makes the result NULL, which bounds nothing). */
    private static boolean isConstant(RexNode e) {
        return e instanceof RexLiteral l && !l.isNull();
    }

    private static boolean isInteger(Kind k) {
        return k == Kind.TINYINT || k == Kind.SMALLINT || k == Kind.INTEGER || k == Kind.BIGINT;
    }

    private static final String WINDOW_MESSAGE = "window functions (OVER) are only supported as ROW_NUMBER(), "
            + "RANK() or DENSE_RANK() in a subquery whose rank the outer query limits (WHERE rn <= k)";

    private static boolean containsOver(Project project) {
        for (RexNode e : project.getProjects()) {
            if (RexOver.containsOver(e)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- joins

    private Plan lowerJoin(Join join) {
        JoinRelType type = join.getJoinType();
        int leftCount = join.getLeft().getRowType().getFieldCount();
        int rightCount = join.getRight().getRowType().getFieldCount();
        List<RexNode> leftKeys = new ArrayList<>();
        List<RexNode> rightKeys = new ArrayList<>();
        List<Boolean> nullSafe = new ArrayList<>();
        List<RexNode> residual = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
            if (conjunct.isAlwaysTrue()) {
                continue;
            }
            if (conjunct.getKind() == SqlKind.EQUALS || conjunct.getKind() == SqlKind.IS_NOT_DISTINCT_FROM) {
                RexNode a = ((RexCall) conjunct).getOperands().get(0);
                RexNode b = ((RexCall) conjunct).getOperands().get(1);
                int sa = side(a, leftCount);
                int sb = side(b, leftCount);
                boolean safe = conjunct.getKind() == SqlKind.IS_NOT_DISTINCT_FROM;
                if (sa == 0 && sb == 1) {
                    leftKeys.add(a);
                    rightKeys.add(RexUtil.shift(b, -leftCount));
                    nullSafe.add(safe);
                    continue;
                }
                if (sa == 1 && sb == 0) {
                    leftKeys.add(b);
                    rightKeys.add(RexUtil.shift(a, -leftCount));
                    nullSafe.add(safe);
                    continue;
                }
            }
            residual.add(conjunct);
        }
        int n = leftKeys.size();
        Expr[] left = new Expr[n];
        Expr[] right = new Expr[n];
        boolean[] strict = new boolean[n];
        int[] leftKeyColumns = new int[n];
        int[] rightKeyColumns = new int[n];
        for (int i = 0; i < n; i++) {
            ColumnType lt = ExprCompiler.typeOf(leftKeys.get(i).getType());
            ColumnType rt = ExprCompiler.typeOf(rightKeys.get(i).getType());
            // a key part that is a column, unconverted, carries that column's waterline bound
            boolean unconverted = lt.kind() == rt.kind() && lt.kind() != Kind.CHAR && lt.kind() != Kind.DECIMAL;
            leftKeyColumns[i] = unconverted && leftKeys.get(i) instanceof RexInputRef ref ? ref.getIndex() : -1;
            rightKeyColumns[i] = unconverted && rightKeys.get(i) instanceof RexInputRef ref ? ref.getIndex() : -1;
            UnaryOperator<Object> common = commonKey(lt, rt);
            Expr l = exprs.compile(leftKeys.get(i));
            Expr r = exprs.compile(rightKeys.get(i));
            left[i] = row -> common.apply(l.eval(row));
            right[i] = row -> common.apply(r.eval(row));
            strict[i] = !nullSafe.get(i);
        }
        RowPredicate rest = residual.isEmpty() ? null
                : exprs.predicate(RexUtil.composeConjunction(join.getCluster().getRexBuilder(), residual));
        JoinFunction function = rest == null
                ? (key, l, r) -> l.concat(r)
                : (key, l, r) -> {
                    Row out = l.concat(r);
                    return rest.test(out) ? out : null;
                };
        Plan lp = lower(join.getLeft());
        Plan rp = lower(join.getRight());
        Plan.Join inner = new Plan.Join(lp, notNull(left, strict), keyFunction(left), rp, notNull(right, strict),
                keyFunction(right), function, leftKeyColumns, rightKeyColumns, leftCount);
        if (type == JoinRelType.INNER) {
            return inner;
        }
        int[] leftColumns = range(0, leftCount);
        int[] rightColumns = range(leftCount, leftCount + rightCount);
        Row rightNulls = Row.wrap(new Object[rightCount]);
        Row leftNulls = Row.wrap(new Object[leftCount]);
        return switch (type) {
            case LEFT -> new Plan.Operators("left join", List.of(inner, lp), (b, in) -> in.get(0)
                    .plus(unmatched(in.get(1), in.get(0).map(row -> row.project(leftColumns)), v -> v.concat(rightNulls))));
            case RIGHT -> new Plan.Operators("right join", List.of(inner, rp), (b, in) -> in.get(0)
                    .plus(unmatched(in.get(1), in.get(0).map(row -> row.project(rightColumns)), leftNulls::concat)));
            case FULL -> new Plan.Operators("full join", List.of(inner, lp, rp), (b, in) -> in.get(0)
                    .plus(unmatched(in.get(1), in.get(0).map(row -> row.project(leftColumns)), v -> v.concat(rightNulls)))
                    .plus(unmatched(in.get(2), in.get(0).map(row -> row.project(rightColumns)), leftNulls::concat)));
            case SEMI -> new Plan.Operators("semi join", List.of(inner, lp), (b, in) -> in.get(1)
                    .plus(unmatched(in.get(1), in.get(0).map(row -> row.project(leftColumns)), v -> v).negate()));
            case ANTI -> new Plan.Operators("anti join", List.of(inner, lp), (b, in) ->
                    unmatched(in.get(1), in.get(0).map(row -> row.project(leftColumns)), v -> v));
            default -> throw new UnsupportedPlanException(type + " JOIN is not supported");
        };
    }

    /**
     * The rows of {@code all} (with their multiplicity) that do not occur in {@code matched}, each
     * turned into an output row by {@code pad}: the rows of one side of an outer join that found no
     * partner. It works for any join condition, NULL keys included (such rows never match).
     */
    private static Stream unmatched(Stream all, Stream matched, UnaryOperator<Row> pad) {
        return all.indexBy(row -> row, row -> row)
                .antijoin(matched.indexBy(row -> row, row -> Row.EMPTY))
                .deindex((key, value) -> pad.apply(value));
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
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
        if (a.kind() == Kind.DECIMAL || b.kind() == Kind.DECIMAL) {
            if (a.kind() == Kind.DOUBLE || b.kind() == Kind.DOUBLE || a.kind() == Kind.REAL || b.kind() == Kind.REAL) {
                return v -> v == null ? null : ((Number) v).doubleValue();
            }
            if (Values.isNumeric(a.kind()) && Values.isNumeric(b.kind())) {
                // 1.0 and 1.00 are equal in SQL but not as BigDecimal
                return v -> v == null ? null : normalize(Values.toBigDecimal((Number) v));
            }
        }
        if (a.kind() == b.kind()) {
            return v -> v;
        }
        if (Values.isNumeric(a.kind()) && Values.isNumeric(b.kind())) {
            if (a.kind() == Kind.DOUBLE || b.kind() == Kind.DOUBLE || a.kind() == Kind.REAL
                    || b.kind() == Kind.REAL) {
                return v -> v == null ? null : ((Number) v).doubleValue();
            }
            return v -> v == null ? null : ((Number) v).longValue();
        }
        throw new UnsupportedPlanException("join on " + a + " = " + b + " is not supported");
    }

    private static BigDecimal normalize(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
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

    private static RowPredicate notNull(Expr[] keys, boolean[] strict) {
        return row -> {
            for (int i = 0; i < keys.length; i++) {
                if (strict[i] && keys[i].eval(row) == null) {
                    return false;
                }
            }
            return true;
        };
    }

    // ---------------------------------------------------------------- aggregates

    private Plan lowerAggregate(Aggregate aggregate) {
        List<org.apache.calcite.rel.core.AggregateCall> calls = aggregate.getAggCallList();
        for (org.apache.calcite.rel.core.AggregateCall call : calls) {
            SqlKind kind = call.getAggregation().getKind();
            if (kind == SqlKind.GROUP_ID) {
                throw new UnsupportedPlanException("GROUP_ID() is not supported");
            }
            if (kind != SqlKind.GROUPING && kind != SqlKind.GROUPING_ID) {
                String refusal = SqlAggregates.unsupported(call);
                if (refusal != null) {
                    throw new UnsupportedPlanException(refusal);
                }
            }
        }
        Plan input = lower(aggregate.getInput());
        int[] all = aggregate.getGroupSet().toArray();
        List<ImmutableBitSet> sets = aggregate.getGroupSets();
        List<Plan> parts = new ArrayList<>();
        for (ImmutableBitSet set : sets) {
            parts.add(groupingSet(input, all, set, calls));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new Plan.Operators("grouping sets", parts, (b, in) -> {
            Stream out = in.get(0);
            for (int i = 1; i < in.size(); i++) {
                out = out.plus(in.get(i));
            }
            return out;
        });
    }

    /**
     * The rows of one grouping set in the aggregate's layout: every group column (NULL when not in
     * {@code set}), then every call (GROUPING(...) as the constant bit mask of this set).
     */
    private Plan groupingSet(Plan input, int[] all, ImmutableBitSet set,
            List<org.apache.calcite.rel.core.AggregateCall> calls) {
        int[] keys = set.toArray();
        List<org.apache.calcite.rel.core.AggregateCall> real = new ArrayList<>();
        // layout[i] >= 0: column of the computed row (keys ++ real aggregates); -1: NULL; -2 - j: constants[j]
        int outCount = all.length + calls.size();
        int[] layout = new int[outCount];
        List<Object> constants = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            int pos = indexOf(keys, all[i]);
            layout[i] = pos;
        }
        for (int j = 0; j < calls.size(); j++) {
            org.apache.calcite.rel.core.AggregateCall call = calls.get(j);
            SqlKind kind = call.getAggregation().getKind();
            if (kind == SqlKind.GROUPING || kind == SqlKind.GROUPING_ID) {
                long mask = 0;
                for (int arg : call.getArgList()) {
                    mask = (mask << 1) | (set.get(arg) ? 0 : 1);
                }
                layout[all.length + j] = -2 - constants.size();
                constants.add(Values.cast(mask, ExprCompiler.typeOf(call.getType())));
            } else {
                layout[all.length + j] = keys.length + real.size();
                real.add(call);
            }
        }
        Plan computed = aggregateOf(input, keys, real);
        boolean identity = keys.length == all.length && real.size() == calls.size();
        if (identity) {
            return computed;
        }
        Object[] constantValues = constants.toArray();
        return new Plan.Map(computed, row -> {
            Object[] out = new Object[layout.length];
            for (int i = 0; i < out.length; i++) {
                int l = layout[i];
                out[i] = l >= 0 ? row.get(l) : l == -1 ? null : constantValues[-2 - l];
            }
            return Row.wrap(out);
        });
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** Rows {@code keys ++ calls} of the input grouped by {@code keys}; one row when there are no keys. */
    private Plan aggregateOf(Plan input, int[] keys, List<org.apache.calcite.rel.core.AggregateCall> calls) {
        boolean global = keys.length == 0;
        RowFunction key = row -> row.project(keys);
        if (calls.isEmpty()) {
            if (global) {
                return new Plan.Operators("one empty row", List.of(input), (b, in) -> in.get(0)
                        .indexBy(key, row -> row).globalGroupAggregate((k, group) -> Row.EMPTY));
            }
            return new Plan.Distinct(input, keys);
        }
        List<AggregateCall> linear = new ArrayList<>();
        for (org.apache.calcite.rel.core.AggregateCall call : calls) {
            AggregateCall l = linearCall(call);
            if (l == null) {
                linear = null;
                break;
            }
            linear.add(l);
        }
        if (linear != null) {
            return new Plan.Aggregate(input, key, linear, global, keys);
        }
        SqlAggregates aggregates = SqlAggregates.of(calls);
        if (!global) {
            return new Plan.GroupAggregate(input, keys, aggregates, calls.size());
        }
        return new Plan.Operators("aggregate", List.of(input), (b, in) -> in.get(0).indexBy(key, row -> row)
                .globalGroupAggregate(aggregates));
    }

    /** The engine's incremental form of {@code call}, or null when it needs the whole group. */
    private static AggregateCall linearCall(org.apache.calcite.rel.core.AggregateCall call) {
        if (call.isDistinct() || call.hasFilter() || call.isApproximate()
                || !call.getCollation().getFieldCollations().isEmpty()) {
            return null;
        }
        List<Integer> args = call.getArgList();
        SqlKind kind = call.getAggregation().getKind();
        if (kind == SqlKind.COUNT && args.isEmpty()) {
            return AggregateCall.countStar();
        }
        if (kind == SqlKind.COUNT && args.size() == 1) {
            return AggregateCall.count(args.get(0));
        }
        if ((kind == SqlKind.SUM || kind == SqlKind.AVG) && args.size() == 1) {
            ColumnType t = ExprCompiler.typeOf(call.getType());
            AggregateCall.NumericType type = switch (t.kind()) {
                case TINYINT -> AggregateCall.NumericType.TINYINT;
                case SMALLINT -> AggregateCall.NumericType.SMALLINT;
                case INTEGER -> AggregateCall.NumericType.INTEGER;
                case BIGINT -> AggregateCall.NumericType.BIGINT;
                case DOUBLE -> AggregateCall.NumericType.DOUBLE;
                case DECIMAL -> AggregateCall.NumericType.DECIMAL;
                default -> null;
            };
            if (type == null) {
                return null;
            }
            return kind == SqlKind.SUM ? AggregateCall.sum(args.get(0), type) : AggregateCall.avg(args.get(0), type);
        }
        return null;
    }

    // ---------------------------------------------------------------- set operations, VALUES

    private Plan lowerSetOp(SetOp setOp) {
        List<Plan> inputs = new ArrayList<>();
        for (RelNode in : setOp.getInputs()) {
            inputs.add(lower(in));
        }
        boolean all = setOp.all;
        if (setOp instanceof Union) {
            return new Plan.Operators(all ? "union all" : "union", inputs, (b, in) -> {
                Stream out = in.get(0);
                for (int i = 1; i < in.size(); i++) {
                    out = out.plus(in.get(i));
                }
                return all ? out : out.distinct();
            });
        }
        boolean minus = setOp instanceof Minus;
        if (!minus && !(setOp instanceof Intersect)) {
            throw new UnsupportedPlanException("set operation " + setOp.getRelTypeName() + " is not supported");
        }
        int n = inputs.size();
        int arity = setOp.getRowType().getFieldCount();
        int[] columns = range(0, arity);
        // each row is indexed by itself with the number of its input as value; the group of a row
        // then holds its multiplicity in every input, which decides how many copies come out
        return new Plan.Operators(setOp.kind.sql + (all ? " ALL" : ""), inputs, (b, in) -> {
            Stream tagged = null;
            for (int i = 0; i < n; i++) {
                Row tag = Row.of((long) i);
                Stream s = in.get(i).indexBy(row -> row, row -> tag);
                tagged = tagged == null ? s : tagged.plus(s);
            }
            return tagged.groupAggregate((key, group) -> {
                long[] counts = new long[n];
                group.scan(false, (val, weight) -> {
                    counts[(int) (long) (Long) val.get(0)] += weight;
                    return true;
                });
                return Row.of(copies(counts, minus, all));
            }, null).flatMap((row, out) -> {
                long copies = (Long) row.get(arity);
                Row r = row.project(columns);
                for (long c = 0; c < copies; c++) {
                    out.accept(r);
                }
            });
        });
    }

    /** How many copies of a row EXCEPT / INTERSECT [ALL] output, given its multiplicity in each input. */
    private static long copies(long[] counts, boolean minus, boolean all) {
        long c = Math.max(counts[0], 0);
        for (int i = 1; i < counts.length; i++) {
            long other = Math.max(counts[i], 0);
            if (minus) {
                c = all ? Math.max(c - other, 0) : (other > 0 ? 0 : c);
            } else {
                c = all ? Math.min(c, other) : (other > 0 ? c : 0);
            }
        }
        return all ? c : Math.min(c, 1);
    }

    private Plan lowerValues(org.apache.calcite.rel.core.Values values) {
        List<ColumnType> types = new ArrayList<>();
        for (var field : values.getRowType().getFieldList()) {
            types.add(ExprCompiler.typeOf(field.getType()));
        }
        Batch.Builder batch = Batch.builder();
        for (List<RexLiteral> tuple : values.getTuples()) {
            Object[] row = new Object[tuple.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = Values.adapt(ExprCompiler.literalValue(tuple.get(i)), types.get(i));
            }
            batch.add(Row.wrap(row), 1);
        }
        Batch contents = batch.build();
        return new Plan.Operators("values", List.of(), (b, in) -> b.constant(contents));
    }

    // ---------------------------------------------------------------- TUMBLE, HOP

    /**
     * {@code TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))} and
     * {@code TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]))}: the input's columns plus
     * window_start and window_end; a row with a NULL timestamp is in no window.
     */
    private Plan lowerWindowFunction(TableFunctionScan scan) {
        if (!(scan.getCall() instanceof RexCall call) || scan.getInputs().size() != 1) {
            throw new UnsupportedPlanException("table function " + scan.getCall() + " is not supported");
        }
        String name = call.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
        boolean hop = name.equals("HOP");
        if (!hop && !name.equals("TUMBLE")) {
            throw new UnsupportedPlanException("table function " + name + " is not supported (TUMBLE and HOP are)");
        }
        int column = -1;
        List<Object> intervals = new ArrayList<>();
        ColumnType timeType = null;
        for (RexNode operand : call.getOperands()) {
            if (operand instanceof RexCall d && d.getKind() == SqlKind.DESCRIPTOR) {
                if (d.getOperands().size() != 1 || !(d.getOperands().get(0) instanceof RexInputRef ref)) {
                    throw new UnsupportedPlanException(name + " needs DESCRIPTOR(one timestamp column)");
                }
                column = ref.getIndex();
                timeType = ExprCompiler.typeOf(scan.getInput(0).getRowType().getFieldList().get(column).getType());
            } else if (operand instanceof RexLiteral literal) {
                intervals.add(literal);
            }
        }
        if (column < 0 || timeType == null) {
            throw new UnsupportedPlanException(name + " needs DESCRIPTOR(timestamp column)");
        }
        boolean timestamp = timeType.kind() == Kind.TIMESTAMP;
        List<Object> values = new ArrayList<>();
        for (Object o : intervals) {
            RexLiteral literal = (RexLiteral) o;
            BigDecimal v = literal.getValueAs(BigDecimal.class);
            if (v == null || literal.getType().getSqlTypeName().getFamily()
                    == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_YEAR_MONTH) {
                throw new UnsupportedPlanException(name + " sizes must be day-time interval literals (SECOND, MINUTE, "
                        + "HOUR, DAY)");
            }
            values.add(timestamp ? java.time.Duration.ofMillis(v.longValueExact()) : (Object) v.longValueExact());
        }
        int needed = hop ? 2 : 1;
        if (values.size() < needed || values.size() > needed + 1) {
            throw new UnsupportedPlanException(name + " takes " + needed + " interval" + (hop ? "s" : "")
                    + " and an optional offset");
        }
        Plan input = lower(scan.getInput(0));
        int arity = scan.getInput(0).getRowType().getFieldCount();
        if (hop) {
            return new Plan.Window(input, column, arity, values.get(0), values.get(1),
                    values.size() == 3 ? values.get(2) : null);
        }
        return new Plan.Window(input, column, arity, null, values.get(0), values.size() == 2 ? values.get(1) : null);
    }

    // ---------------------------------------------------------------- top-k

    private Plan lowerSort(Sort sort) {
        Plan input = lower(sort.getInput());
        if (sort.fetch == null && sort.offset == null) {
            return input; // ORDER BY without LIMIT orders nothing in a set of rows
        }
        long offset = sort.offset == null ? 0 : literalCount(sort.offset, "OFFSET");
        long fetch = sort.fetch == null ? Long.MAX_VALUE - offset : literalCount(sort.fetch, "LIMIT");
        if (fetch == 0) {
            return new Plan.Filter(input, row -> false);
        }
        Comparator<Row> order = comparator(sort.getCollation().getFieldCollations());
        int arity = sort.getRowType().getFieldCount();
        int[] columns = range(0, arity);
        long k = Math.addExact(offset, fetch);
        return new Plan.Operators("top-k", List.of(input), (b, in) -> in.get(0)
                .indexBy(row -> Row.EMPTY, row -> row)
                .topK(order, k, RankKind.ROW_NUMBER)
                .filter(row -> (Long) row.get(arity) > offset)
                .map(row -> row.project(columns)));
    }

    private static long literalCount(RexNode node, String clause) {
        if (node instanceof RexLiteral literal && literal.getValueAs(BigDecimal.class) != null) {
            long v = literal.getValueAs(BigDecimal.class).longValueExact();
            if (v >= 0) {
                return v;
            }
        }
        throw new UnsupportedPlanException(clause + " must be a non-negative integer literal");
    }

    /** SQL ORDER BY order: NULLs last ascending and first descending unless NULLS FIRST / LAST says otherwise. */
    static Comparator<Row> comparator(List<RelFieldCollation> collations) {
        int n = collations.size();
        Expr[] keys = new Expr[n];
        boolean[] descending = new boolean[n];
        boolean[] nullsFirst = new boolean[n];
        for (int i = 0; i < n; i++) {
            RelFieldCollation c = collations.get(i);
            int index = c.getFieldIndex();
            keys[i] = row -> row.get(index);
            descending[i] = c.getDirection().isDescending();
            nullsFirst[i] = switch (c.nullDirection) {
                case FIRST -> true;
                case LAST -> false;
                default -> descending[i];
            };
        }
        return comparator(keys, descending, nullsFirst);
    }

    private static Comparator<Row> comparator(Expr[] keys, boolean[] descending, boolean[] nullsFirst) {
        return (a, b) -> {
            for (int i = 0; i < keys.length; i++) {
                Object x = keys[i].eval(a);
                Object y = keys[i].eval(b);
                if (x == null || y == null) {
                    if (x == y) {
                        continue;
                    }
                    return (x == null) == nullsFirst[i] ? -1 : 1;
                }
                int cmp = Values.compare(x, y);
                if (cmp != 0) {
                    return descending[i] ? -cmp : cmp;
                }
            }
            return 0;
        };
    }

    /**
     * {@code SELECT ..., ROW_NUMBER() OVER (PARTITION BY p ORDER BY o) AS rn ...} filtered by
     * {@code rn <= k} (or {@code < k}, {@code = k}): the engine's top-k per partition, which keeps
     * only k rows per partition instead of numbering them all.
     */
    private Plan lowerWindowTopK(Filter filter, Project project) {
        List<RexNode> projects = project.getProjects();
        int overIndex = -1;
        for (int i = 0; i < projects.size(); i++) {
            RexNode e = projects.get(i);
            if (e instanceof RexOver) {
                if (overIndex >= 0) {
                    throw new UnsupportedPlanException("only one ROW_NUMBER(), RANK() or DENSE_RANK() per query "
                            + "is supported");
                }
                overIndex = i;
            } else if (RexOver.containsOver(e)) {
                throw new UnsupportedPlanException(WINDOW_MESSAGE);
            }
        }
        RexOver over = (RexOver) projects.get(overIndex);
        RankKind rankKind = switch (over.getOperator().getKind()) {
            case ROW_NUMBER -> RankKind.ROW_NUMBER;
            case RANK -> RankKind.RANK;
            case DENSE_RANK -> RankKind.DENSE_RANK;
            default -> throw new UnsupportedPlanException(WINDOW_MESSAGE);
        };
        long k = rankLimit(filter.getCondition(), overIndex);
        if (k < 1) {
            return new Plan.Filter(lower(project.getInput()), row -> false); // no rank is below 1
        }
        var window = over.getWindow();
        List<RexNode> partition = window.partitionKeys;
        Expr[] partitionKeys = new Expr[partition.size()];
        for (int i = 0; i < partitionKeys.length; i++) {
            partitionKeys[i] = exprs.compile(partition.get(i));
        }
        int n = window.orderKeys.size();
        Expr[] orderKeys = new Expr[n];
        boolean[] descending = new boolean[n];
        boolean[] nullsFirst = new boolean[n];
        for (int i = 0; i < n; i++) {
            RexFieldCollation c = window.orderKeys.get(i);
            orderKeys[i] = exprs.compile(c.left);
            descending[i] = c.getDirection().isDescending();
            nullsFirst[i] = switch (c.getNullDirection()) {
                case FIRST -> true;
                case LAST -> false;
                default -> descending[i];
            };
        }
        Comparator<Row> order = comparator(orderKeys, descending, nullsFirst);
        RowFunction partitionKey = keyFunction(partitionKeys);
        int rankColumn = project.getInput().getRowType().getFieldCount();
        RexNode rankRef = new RexInputRef(rankColumn, over.getType());
        int replaced = overIndex;
        List<RexNode> rewritten = new ArrayList<>();
        for (int i = 0; i < projects.size(); i++) {
            rewritten.add(i == replaced ? rankRef : projects.get(i));
        }
        RowFunction projection = exprs.project(rewritten);
        RowPredicate condition = exprs.predicate(filter.getCondition());
        Plan input = lower(project.getInput());
        return new Plan.Operators("top-k per partition", List.of(input), (b, in) -> in.get(0)
                .indexBy(partitionKey, row -> row)
                .topK(order, k, rankKind)
                .map(projection)
                .filter(condition));
    }

    /** The k of {@code rank <= k} among the conjuncts of {@code condition}; refuses when there is none. */
    private static long rankLimit(RexNode condition, int column) {
        long best = -1;
        for (RexNode c : RelOptUtil.conjunctions(condition)) {
            if (!(c instanceof RexCall call) || call.getOperands().size() != 2) {
                continue;
            }
            RexNode a = call.getOperands().get(0);
            RexNode b = call.getOperands().get(1);
            SqlKind kind = call.getKind();
            if (b instanceof RexInputRef && a instanceof RexLiteral) {
                RexNode t = a;
                a = b;
                b = t;
                kind = kind.reverse();
            }
            if (!(a instanceof RexInputRef ref) || ref.getIndex() != column || !(b instanceof RexLiteral lit)
                    || lit.getValueAs(BigDecimal.class) == null) {
                continue;
            }
            BigDecimal v = lit.getValueAs(BigDecimal.class);
            long k = switch (kind) {
                case LESS_THAN_OR_EQUAL, EQUALS -> v.setScale(0, java.math.RoundingMode.FLOOR).longValue();
                case LESS_THAN -> v.setScale(0, java.math.RoundingMode.CEILING).longValue() - 1;
                default -> -2;
            };
            if (k == -2) {
                continue;
            }
            best = best < 0 ? Math.max(k, 0) : Math.min(best, Math.max(k, 0));
        }
        if (best < 0) {
            throw new UnsupportedPlanException("ROW_NUMBER(), RANK() and DENSE_RANK() are only supported when the "
                    + "outer query keeps the top k of each partition (WHERE rn <= k with a literal k)");
        }
        return best;
    }
}
