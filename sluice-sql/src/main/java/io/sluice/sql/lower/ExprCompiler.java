package io.sluice.sql.lower;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Row;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import io.sluice.sql.analyze.TypeMapping;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * Turns a {@link RexNode} into a tree of small {@link Expr} evaluators with SQL semantics: NULL in
 * gives NULL out, AND/OR/NOT use three-valued logic, integer arithmetic is overflow-checked, DECIMAL
 * is exact at the scale Calcite derived, and division by zero is an error.
 */
public final class ExprCompiler {
    private final RexBuilder rexBuilder;

    public ExprCompiler(RexBuilder rexBuilder) {
        this.rexBuilder = requireNonNull(rexBuilder, "rexBuilder is null");
    }

    /** The column type of an expression; refuses types Sluice cannot represent. */
    public static ColumnType typeOf(RelDataType type) {
        ColumnType t = TypeMapping.fromRelType(type);
        if (t == null) {
            throw new UnsupportedPlanException("type " + type.getFullTypeString() + " is not supported");
        }
        return t;
    }

    public Expr compile(RexNode node) {
        if (node.getKind() == SqlKind.SEARCH) {
            return compile(RexUtil.expandSearch(rexBuilder, null, node));
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
    public io.sluice.engine.operator.RowPredicate predicate(RexNode node) {
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
            case DOUBLE -> literal.getValueAs(Double.class);
            case DECIMAL -> Values.cast(literal.getValueAs(BigDecimal.class), type);
            case VARCHAR -> literal.getValueAs(String.class);
            case TIMESTAMP -> Values.parseTimestamp(String.valueOf(literal.getValueAs(
                    org.apache.calcite.util.TimestampString.class)));
        };
    }

    private Expr compileCall(RexCall call) {
        List<RexNode> operands = call.getOperands();
        ColumnType type = typeOf(call.getType());
        SqlKind kind = call.getKind();
        switch (kind) {
            case PLUS, MINUS, TIMES, DIVIDE, MOD -> {
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
                requireNumeric(call, type);
                Expr a = compileNumeric(operands.get(0));
                return row -> {
                    Object x = a.eval(row);
                    return x == null ? null : Values.adapt(Values.negate(x, type), type);
                };
            }
            case PLUS_PREFIX -> {
                Expr a = compile(operands.get(0));
                return row -> Values.adapt(a.eval(row), type);
            }
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
                return strict(compile(operands.get(0)), compile(operands.get(1)), (x, y) -> {
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
            case IS_DISTINCT_FROM, IS_NOT_DISTINCT_FROM -> {
                Expr a = compile(operands.get(0));
                Expr b = compile(operands.get(1));
                boolean distinct = kind == SqlKind.IS_DISTINCT_FROM;
                return row -> {
                    Object x = a.eval(row);
                    Object y = b.eval(row);
                    boolean same = x == null || y == null ? x == y : Values.compare(x, y) == 0;
                    return same != distinct;
                };
            }
            case AND, OR -> {
                Expr[] args = compileAll(operands);
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
                Expr a = compile(operands.get(0));
                return row -> {
                    Object v = a.eval(row);
                    return v == null ? null : !(Boolean) v;
                };
            }
            case IS_NULL, IS_NOT_NULL, IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE -> {
                Expr a = compile(operands.get(0));
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
                Expr[] args = compileAll(operands);
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
                Expr[] args = compileAll(operands);
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
                typeOf(operands.get(0).getType());
                Expr a = compile(operands.get(0));
                return row -> Values.cast(a.eval(row), type);
            }
            default -> {
                return compileFunction(call, type);
            }
        }
    }

    private Expr compileFunction(RexCall call, ColumnType type) {
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        List<RexNode> operands = call.getOperands();
        switch (name) {
            case "||" -> {
                return strict(compile(operands.get(0)), compile(operands.get(1)),
                        (x, y) -> Values.cast(x, ColumnType.of(Kind.VARCHAR)) + (String) Values.cast(y, ColumnType.of(Kind.VARCHAR)));
            }
            case "UPPER", "LOWER" -> {
                Expr a = compile(operands.get(0));
                boolean upper = name.equals("UPPER");
                return row -> {
                    Object v = a.eval(row);
                    if (v == null) {
                        return null;
                    }
                    return upper ? ((String) v).toUpperCase(Locale.ROOT) : ((String) v).toLowerCase(Locale.ROOT);
                };
            }
            case "CHAR_LENGTH", "CHARACTER_LENGTH" -> {
                Expr a = compile(operands.get(0));
                return row -> {
                    Object v = a.eval(row);
                    return v == null ? null : Values.adapt(((String) v).codePointCount(0, ((String) v).length()), type);
                };
            }
            default -> throw new UnsupportedPlanException("operator " + call.getOperator().getName()
                    + " is not supported");
        }
    }

    private Expr compileNumeric(RexNode operand) {
        ColumnType t = typeOf(operand.getType());
        if (!Values.isNumeric(t.kind())) {
            throw new UnsupportedPlanException("arithmetic on " + t + " is not supported");
        }
        return compile(operand);
    }

    private static void requireNumeric(RexCall call, ColumnType type) {
        if (!Values.isNumeric(type.kind())) {
            throw new UnsupportedPlanException("operator " + call.getOperator().getName() + " on type " + type
                    + " is not supported");
        }
    }

    private Expr[] compileAll(List<RexNode> nodes) {
        Expr[] out = new Expr[nodes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = compile(nodes.get(i));
        }
        return out;
    }

    /** A row function that evaluates each expression into a new row. */
    public io.sluice.engine.operator.RowFunction project(List<RexNode> exprs) {
        Expr[] compiled = compileAll(exprs);
        ColumnType[] types = new ColumnType[exprs.size()];
        for (int i = 0; i < types.length; i++) {
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
    private static Expr strict(Expr a, Expr b, java.util.function.BinaryOperator<Object> op) {
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
