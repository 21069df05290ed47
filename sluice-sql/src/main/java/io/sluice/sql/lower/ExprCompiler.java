package io.sluice.sql.lower;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.ByteString;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.RowFunction;
import io.sluice.engine.operator.RowPredicate;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import io.sluice.sql.analyze.TypeMapping;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BinaryOperator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Turns a {@link RexNode} into a tree of small {@link Expr} evaluators with SQL semantics: NULL in
 * gives NULL out, AND/OR/NOT use three-valued logic, integer arithmetic is overflow-checked, DECIMAL
 * is exact at the scale Calcite derived, and division by zero is an error. Scalar functions are in
 * {@link ScalarFunctions} (strings, numbers, arrays) and {@link TemporalFunctions} (dates, times,
 * intervals). A runtime error names the view the expression belongs to.
 */
public final class ExprCompiler {
    private final RexBuilder rexBuilder;
    private final String context;
    private final ScalarFunctions scalars = new ScalarFunctions(this);
    private final TemporalFunctions temporals = new TemporalFunctions(this);

    public ExprCompiler(RexBuilder rexBuilder) {
        this(rexBuilder, null);
    }

    /** {@code context} (e.g. {@code "view v"}) prefixes the message of a runtime error; null for none. */
    public ExprCompiler(RexBuilder rexBuilder, String context) {
        this.rexBuilder = requireNonNull(rexBuilder, "rexBuilder is null");
        this.context = context;
    }

    /** The column type of an expression; refuses types Sluice cannot represent. */
    public static ColumnType typeOf(RelDataType type) {
        ColumnType t = TypeMapping.fromRelType(type);
        if (t == null) {
            throw new UnsupportedPlanException("type " + type.getFullTypeString() + " is not supported");
        }
        return t;
    }

    /**
     * Compiles an expression. A runtime error in it (overflow, division by zero, a bad cast) is an
     * {@link EvaluationException} whose message starts with this compiler's context.
     */
    public Expr compile(RexNode node) {
        Expr e = build(node);
        String prefix = context == null ? "" : context + ": ";
        return row -> {
            try {
                return e.eval(row);
            } catch (EvaluationException ex) {
                throw context == null ? ex : new EvaluationException(prefix + ex.getMessage(), ex);
            } catch (ArithmeticException | java.time.DateTimeException ex) {
                throw new EvaluationException(prefix + ex.getMessage(), ex);
            }
        };
    }

    /** Compiles a sub-expression (no context wrapping: the enclosing expression has it). */
    Expr build(RexNode node) {
        if (node.getKind() == SqlKind.SEARCH) {
            return build(RexUtil.expandSearch(rexBuilder, null, node));
        }
        if (node instanceof RexInputRef ref) {
            int index = ref.getIndex();
            return row -> row.get(index);
        }
        if (node instanceof RexLiteral literal) {
            Object value = literalValue(literal);
            return row -> value;
        }
        if (node instanceof RexCall call) {
            return compileCall(call);
        }
        throw new UnsupportedPlanException("expression " + node + " is not supported");
    }

    /** A predicate: true only when the expression is TRUE (UNKNOWN counts as false, as in WHERE). */
    public RowPredicate predicate(RexNode node) {
        Expr e = compile(node);
        return row -> Boolean.TRUE.equals(e.eval(row));
    }

    static Object literalValue(RexLiteral literal) {
        if (literal.isNull()) {
            return null;
        }
        ColumnType type = typeOf(literal.getType());
        return switch (type.kind()) {
            case BOOLEAN -> literal.getValueAs(Boolean.class);
            case TINYINT, SMALLINT, INTEGER, BIGINT -> Values.cast(literal.getValueAs(BigDecimal.class), type);
            case REAL -> literal.getValueAs(Double.class).floatValue();
            case DOUBLE -> literal.getValueAs(Double.class);
            case DECIMAL -> Values.cast(literal.getValueAs(BigDecimal.class), type);
            case CHAR, VARCHAR -> literal.getValueAs(String.class);
            case VARBINARY -> ByteString.of(literal.getValueAs(org.apache.calcite.avatica.util.ByteString.class)
                    .getBytes());
            case DATE -> LocalDate.ofEpochDay(literal.getValueAs(Integer.class));
            case TIME -> LocalTime.ofNanoOfDay(literal.getValueAs(Integer.class) * 1_000_000L);
            case TIMESTAMP -> Values.parseTimestamp(String.valueOf(literal.getValueAs(
                    org.apache.calcite.util.TimestampString.class)));
            case INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH -> literal.getValueAs(BigDecimal.class).longValueExact();
            case ARRAY -> throw new UnsupportedPlanException("array literal " + literal + " is not supported");
        };
    }

    private Expr compileCall(RexCall call) {
        List<RexNode> operands = call.getOperands();
        SqlKind kind = call.getKind();
        if (kind == SqlKind.REINTERPRET) {
            return temporals.reinterpret(call);
        }
        ColumnType type = typeOf(call.getType());
        switch (kind) {
            case PLUS, MINUS, TIMES, DIVIDE, MOD -> {
                if (isTemporal(call.getType()) || isTemporal(operands.get(0).getType())
                        || isTemporal(operands.get(1).getType())) {
                    return temporals.arithmetic(call, type);
                }
                requireNumeric(call, type);
                char op = switch (kind) {
                    case PLUS -> '+';
                    case MINUS -> '-';
                    case TIMES -> '*';
                    case DIVIDE -> '/';
                    default -> '%';
                };
                return strict(compileNumeric(operands.get(0)), compileNumeric(operands.get(1)),
                        (x, y) -> Values.arithmetic(op, x, y, type));
            }
            case MINUS_PREFIX -> {
                if (type.kind() == Kind.INTERVAL_DAY_TIME || type.kind() == Kind.INTERVAL_YEAR_MONTH) {
                    Expr a = build(operands.get(0));
                    return row -> {
                        Object x = a.eval(row);
                        return x == null ? null : Math.negateExact((Long) x);
                    };
                }
                requireNumeric(call, type);
                Expr a = compileNumeric(operands.get(0));
                return row -> {
                    Object x = a.eval(row);
                    return x == null ? null : Values.adapt(Values.negate(x, type), type);
                };
            }
            case PLUS_PREFIX -> {
                Expr a = build(operands.get(0));
                return row -> Values.adapt(a.eval(row), type);
            }
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
                return comparison(kind, operands.get(0), operands.get(1));
            }
            case IS_DISTINCT_FROM, IS_NOT_DISTINCT_FROM -> {
                Expr a = comparable(operands.get(0), operands.get(1));
                Expr b = comparable(operands.get(1), operands.get(0));
                boolean distinct = kind == SqlKind.IS_DISTINCT_FROM;
                return row -> {
                    Object x = a.eval(row);
                    Object y = b.eval(row);
                    boolean same = x == null || y == null ? x == y : Values.compare(x, y) == 0;
                    return same != distinct;
                };
            }
            case AND, OR -> {
                Expr[] args = buildAll(operands);
                boolean and = kind == SqlKind.AND;
                return row -> {
                    boolean sawNull = false;
                    for (Expr arg : args) {
                        Object v = arg.eval(row);
                        if (v == null) {
                            sawNull = true;
                        } else if ((Boolean) v != and) {
                            return !and;
                        }
                    }
                    return sawNull ? null : and;
                };
            }
            case NOT -> {
                Expr a = build(operands.get(0));
                return row -> {
                    Object v = a.eval(row);
                    return v == null ? null : !(Boolean) v;
                };
            }
            case IS_NULL, IS_NOT_NULL, IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE -> {
                Expr a = build(operands.get(0));
                return row -> {
                    Object v = a.eval(row);
                    return switch (kind) {
                        case IS_NULL -> v == null;
                        case IS_NOT_NULL -> v != null;
                        case IS_TRUE -> Boolean.TRUE.equals(v);
                        case IS_NOT_TRUE -> !Boolean.TRUE.equals(v);
                        case IS_FALSE -> Boolean.FALSE.equals(v);
                        default -> !Boolean.FALSE.equals(v);
                    };
                };
            }
            case CASE -> {
                Expr[] args = buildAll(operands);
                return row -> {
                    int i = 0;
                    for (; i + 1 < args.length; i += 2) {
                        if (Boolean.TRUE.equals(args[i].eval(row))) {
                            return Values.adapt(args[i + 1].eval(row), type);
                        }
                    }
                    return i < args.length ? Values.adapt(args[i].eval(row), type) : null;
                };
            }
            case COALESCE -> {
                Expr[] args = buildAll(operands);
                return row -> {
                    for (Expr arg : args) {
                        Object v = arg.eval(row);
                        if (v != null) {
                            return Values.adapt(v, type);
                        }
                    }
                    return null;
                };
            }
            case CAST -> {
                return cast(operands.get(0), call.getType(), type);
            }
            case ARRAY_VALUE_CONSTRUCTOR -> {
                Expr[] args = buildAll(operands);
                ColumnType element = type.element();
                return row -> {
                    List<Object> out = new ArrayList<>(args.length);
                    for (Expr arg : args) {
                        out.add(Values.adapt(arg.eval(row), element));
                    }
                    return Collections.unmodifiableList(out);
                };
            }
            default -> {
                Expr temporal = temporals.tryCompile(call, type);
                return temporal != null ? temporal : scalars.compile(call, type);
            }
        }
    }

    private Expr cast(RexNode operand, RelDataType target, ColumnType type) {
        RelDataType source = operand.getType();
        if (SqlTypeName.INTERVAL_TYPES.contains(source.getSqlTypeName())
                || SqlTypeName.INTERVAL_TYPES.contains(target.getSqlTypeName())) {
            return temporals.castInterval(operand, source, target, type);
        }
        typeOf(source);
        Expr a = build(operand);
        if (source.getSqlTypeName() == SqlTypeName.CHAR && type.kind() == Kind.VARCHAR) {
            // a CHAR's trailing blanks are padding, not text: they go when it becomes a VARCHAR
            return row -> {
                Object v = a.eval(row);
                return v == null ? null : Values.cast(((String) v).stripTrailing(), type);
            };
        }
        return row -> Values.cast(a.eval(row), type);
    }

    /**
     * A comparison. CHAR operands compare with trailing blanks ignored (SQL's PAD SPACE), so a
     * CHAR(5) column holding {@code 'ab   '} equals {@code 'ab'}; a CHAR cast to VARCHAR (as Calcite
     * does to compare it with a VARCHAR) loses its trailing blanks, so the answer is the same.
     */
    private Expr comparison(SqlKind kind, RexNode left, RexNode right) {
        return strict(comparable(left, right), comparable(right, left), (x, y) -> {
            int c = Values.compare(x, y);
            return switch (kind) {
                case EQUALS -> c == 0;
                case NOT_EQUALS -> c != 0;
                case LESS_THAN -> c < 0;
                case LESS_THAN_OR_EQUAL -> c <= 0;
                case GREATER_THAN -> c > 0;
                default -> c >= 0;
            };
        });
    }

    /** {@code operand}, with trailing blanks stripped when it or {@code other} is a CHAR. */
    private Expr comparable(RexNode operand, RexNode other) {
        Expr e = build(operand);
        if (!isChar(operand) && !isChar(other)) {
            return e;
        }
        return row -> {
            Object v = e.eval(row);
            return v instanceof String s ? s.stripTrailing() : v;
        };
    }

    private static boolean isChar(RexNode node) {
        return node.getType().getSqlTypeName() == SqlTypeName.CHAR;
    }

    static boolean isTemporal(RelDataType type) {
        SqlTypeFamily family = type.getSqlTypeName().getFamily();
        return family == SqlTypeFamily.DATE || family == SqlTypeFamily.TIME || family == SqlTypeFamily.TIMESTAMP
                || family == SqlTypeFamily.INTERVAL_DAY_TIME || family == SqlTypeFamily.INTERVAL_YEAR_MONTH;
    }

    Expr compileNumeric(RexNode operand) {
        ColumnType t = typeOf(operand.getType());
        if (!Values.isNumeric(t.kind())) {
            throw new UnsupportedPlanException("arithmetic on " + t + " is not supported");
        }
        return build(operand);
    }

    private static void requireNumeric(RexCall call, ColumnType type) {
        if (!Values.isNumeric(type.kind())) {
            throw new UnsupportedPlanException("operator " + call.getOperator().getName() + " on type " + type
                    + " is not supported");
        }
    }

    Expr[] buildAll(List<RexNode> nodes) {
        Expr[] out = new Expr[nodes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = build(nodes.get(i));
        }
        return out;
    }

    /** A row function that evaluates each expression into a new row. */
    public RowFunction project(List<RexNode> exprs) {
        Expr[] compiled = new Expr[exprs.size()];
        ColumnType[] types = new ColumnType[exprs.size()];
        for (int i = 0; i < types.length; i++) {
            compiled[i] = compile(exprs.get(i));
            types[i] = typeOf(exprs.get(i).getType());
        }
        return row -> {
            Object[] out = new Object[compiled.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Values.adapt(compiled[i].eval(row), types[i]);
            }
            return Row.wrap(out);
        };
    }

    /** A binary operator with SQL's NULL rule: NULL if either operand is, the right one evaluated only when the left is not. */
    static Expr strict(Expr a, Expr b, BinaryOperator<Object> op) {
        return row -> {
            Object x = a.eval(row);
            if (x == null) {
                return null;
            }
            Object y = b.eval(row);
            return y == null ? null : op.apply(x, y);
        };
    }
}
