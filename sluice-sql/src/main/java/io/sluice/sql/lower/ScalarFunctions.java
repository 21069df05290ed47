package io.sluice.sql.lower;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.ByteString;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlTrimFunction;

/**
 * String, numeric and array functions. Every one is strict (NULL in any argument gives NULL), and
 * strings are measured and indexed in code points, 1-based, as SQL counts characters.
 */
final class ScalarFunctions {
    private final ExprCompiler exprs;

    ScalarFunctions(ExprCompiler exprs) {
        this.exprs = exprs;
    }

    Expr compile(RexCall call, ColumnType type) {
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        List<RexNode> operands = call.getOperands();
        SqlKind kind = call.getKind();
        if (kind == SqlKind.LIKE) {
            return like(call, name.startsWith("NOT"));
        }
        if (kind == SqlKind.TRIM) {
            return trim(call, type);
        }
        if (kind == SqlKind.FLOOR || kind == SqlKind.CEIL) {
            return floorCeil(operands.get(0), type, kind == SqlKind.FLOOR);
        }
        if (kind == SqlKind.POSITION) {
            return position(operands, type);
        }
        if (kind == SqlKind.ITEM) {
            return ExprCompiler.strict(exprs.build(operands.get(0)), exprs.build(operands.get(1)), (a, i) -> {
                List<?> list = (List<?>) a;
                long index = ((Number) i).longValue();
                return index >= 1 && index <= list.size() ? Values.adapt(list.get((int) index - 1), type) : null;
            });
        }
        switch (name) {
            case "||" -> {
                return ExprCompiler.strict(exprs.build(operands.get(0)), exprs.build(operands.get(1)),
                        (x, y) -> concat(x, y, type));
            }
            case "CONCAT" -> {
                Expr[] args = exprs.buildAll(operands);
                return row -> {
                    StringBuilder out = new StringBuilder();
                    for (Expr arg : args) {
                        Object v = arg.eval(row);
                        if (v == null) {
                            return null;
                        }
                        out.append((String) Values.cast(v, ColumnType.of(Kind.VARCHAR)));
                    }
                    return Values.adapt(out.toString(), type);
                };
            }
            case "UPPER", "LOWER" -> {
                boolean upper = name.equals("UPPER");
                return unary(operands.get(0), v -> upper ? ((String) v).toUpperCase(Locale.ROOT)
                        : ((String) v).toLowerCase(Locale.ROOT));
            }
            case "CHAR_LENGTH", "CHARACTER_LENGTH" -> {
                return unary(operands.get(0), v -> Values.adapt(((String) v).codePointCount(0, ((String) v).length()),
                        type));
            }
            case "OCTET_LENGTH" -> {
                return unary(operands.get(0), v -> Values.adapt(v instanceof ByteString b ? b.length()
                        : ((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8).length, type));
            }
            case "SUBSTRING" -> {
                return substring(operands, type);
            }
            case "REPLACE" -> {
                Expr[] args = exprs.buildAll(operands);
                return row -> {
                    Object s = args[0].eval(row);
                    Object from = s == null ? null : args[1].eval(row);
                    Object to = from == null ? null : args[2].eval(row);
                    if (to == null) {
                        return null;
                    }
                    return ((String) from).isEmpty() ? s : ((String) s).replace((String) from, (String) to);
                };
            }
            case "ABS" -> {
                return unary(operands.get(0), v -> abs(v, type));
            }
            case "SIGN" -> {
                return unary(operands.get(0), v -> Values.adapt(v instanceof Double d ? (Object) Math.signum(d)
                        : v instanceof Float f ? (Object) Math.signum(f)
                        : v instanceof BigDecimal d ? (Object) BigDecimal.valueOf(d.signum())
                        : (Object) (long) Long.signum(((Number) v).longValue()), type));
            }
            case "ROUND", "TRUNCATE" -> {
                return round(operands, type, name.equals("ROUND") ? RoundingMode.HALF_UP : RoundingMode.DOWN);
            }
            case "POWER" -> {
                return ExprCompiler.strict(exprs.compileNumeric(operands.get(0)),
                        exprs.compileNumeric(operands.get(1)), (x, y) -> checkedDouble("POWER",
                                Math.pow(((Number) x).doubleValue(), ((Number) y).doubleValue()), x, y));
            }
            case "SQRT" -> {
                return unary(operands.get(0), v -> {
                    double d = ((Number) v).doubleValue();
                    if (d < 0) {
                        throw new EvaluationException("SQRT of a negative number: " + v);
                    }
                    return Math.sqrt(d);
                });
            }
            case "EXP" -> {
                return unary(operands.get(0), v -> Math.exp(((Number) v).doubleValue()));
            }
            case "LN", "LOG10" -> {
                boolean ln = name.equals("LN");
                return unary(operands.get(0), v -> {
                    double d = ((Number) v).doubleValue();
                    if (d <= 0) {
                        throw new EvaluationException(name + " of a number that is not positive: " + v);
                    }
                    return ln ? Math.log(d) : Math.log10(d);
                });
            }
            case "CARDINALITY" -> {
                return unary(operands.get(0), v -> Values.adapt(((List<?>) v).size(), type));
            }
            default -> throw new UnsupportedPlanException("function " + call.getOperator().getName()
                    + " is not supported");
        }
    }

    private Expr unary(RexNode operand, Function<Object, Object> f) {
        Expr a = exprs.build(operand);
        return row -> {
            Object v = a.eval(row);
            return v == null ? null : f.apply(v);
        };
    }

    private static Object concat(Object x, Object y, ColumnType type) {
        if (x instanceof ByteString a && y instanceof ByteString b) {
            return a.concat(b);
        }
        if (x instanceof List<?> a && y instanceof List<?> b) {
            java.util.List<Object> out = new java.util.ArrayList<>(a);
            out.addAll(b);
            return java.util.Collections.unmodifiableList(out);
        }
        String s = (String) Values.cast(x, ColumnType.of(Kind.VARCHAR)) + Values.cast(y, ColumnType.of(Kind.VARCHAR));
        return Values.adapt(s, type);
    }

    private static Object abs(Object v, ColumnType type) {
        if (v instanceof Double d) {
            return Math.abs(d);
        }
        if (v instanceof Float f) {
            return Math.abs(f);
        }
        if (v instanceof BigDecimal d) {
            return Values.adapt(d.abs(), type);
        }
        long x = ((Number) v).longValue();
        if (x == Long.MIN_VALUE) {
            throw new EvaluationException("BIGINT overflow in ABS(" + x + ")");
        }
        return Values.narrow(Math.abs(x), type.kind());
    }

    private static Object checkedDouble(String function, double result, Object x, Object y) {
        if (Double.isNaN(result)) {
            throw new EvaluationException(function + "(" + x + ", " + y + ") is not a real number");
        }
        return result;
    }

    private Expr floorCeil(RexNode operand, ColumnType type, boolean floor) {
        RoundingMode mode = floor ? RoundingMode.FLOOR : RoundingMode.CEILING;
        return unary(operand, v -> {
            if (v instanceof Double d) {
                return floor ? Math.floor(d) : Math.ceil(d);
            }
            if (v instanceof Float f) {
                return (float) (floor ? Math.floor(f) : Math.ceil(f));
            }
            if (v instanceof BigDecimal d) {
                return Values.adapt(d.setScale(0, mode), type);
            }
            return Values.adapt(v, type);
        });
    }

    /** ROUND / TRUNCATE to {@code digits} places after the point (negative: before it); HALF_UP for ROUND. */
    private Expr round(List<RexNode> operands, ColumnType type, RoundingMode mode) {
        Expr value = exprs.compileNumeric(operands.get(0));
        Expr digits = operands.size() > 1 ? exprs.build(operands.get(1)) : row -> 0;
        return ExprCompiler.strict(value, digits, (v, n) -> {
            int places = ((Number) n).intValue();
            if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return v;
                }
                return Values.adapt(new BigDecimal(Double.toString(d)).setScale(places, mode).doubleValue(), type);
            }
            BigDecimal d = Values.toBigDecimal((Number) v).setScale(places, mode);
            return Values.cast(d, type);
        });
    }

    private Expr substring(List<RexNode> operands, ColumnType type) {
        Expr[] args = exprs.buildAll(operands);
        return row -> {
            Object s = args[0].eval(row);
            Object start = s == null ? null : args[1].eval(row);
            Object length = start == null || args.length < 3 ? null : args[2].eval(row);
            if (start == null || (args.length == 3 && length == null)) {
                return null;
            }
            long from = ((Number) start).longValue();
            long end = Long.MAX_VALUE;
            if (length != null) {
                long n = ((Number) length).longValue();
                if (n < 0) {
                    throw new EvaluationException("SUBSTRING with a negative length " + n);
                }
                end = from + n > from ? from + n : Long.MAX_VALUE;
            }
            if (s instanceof ByteString b) {
                long lo = Math.max(from, 1);
                long hi = Math.min(end, b.length() + 1L);
                return hi <= lo ? ByteString.of(new byte[0]) : b.substring((int) lo - 1, (int) hi - 1);
            }
            String str = (String) s;
            int count = str.codePointCount(0, str.length());
            long lo = Math.max(from, 1);
            long hi = Math.min(end, count + 1L);
            if (hi <= lo) {
                return "";
            }
            int begin = str.offsetByCodePoints(0, (int) lo - 1);
            return str.substring(begin, str.offsetByCodePoints(begin, (int) (hi - lo)));
        };
    }

    private Expr position(List<RexNode> operands, ColumnType type) {
        Expr[] args = exprs.buildAll(operands);
        return row -> {
            Object sub = args[0].eval(row);
            Object s = sub == null ? null : args[1].eval(row);
            Object from = s == null || args.length < 3 ? null : args[2].eval(row);
            if (s == null || (args.length == 3 && from == null)) {
                return null;
            }
            String str = (String) s;
            String needle = (String) sub;
            long start = from == null ? 1 : ((Number) from).longValue();
            int count = str.codePointCount(0, str.length());
            if (start < 1 || start > count + 1L) {
                return Values.adapt(0, type);
            }
            int offset = str.offsetByCodePoints(0, (int) start - 1);
            int found = str.indexOf(needle, offset);
            return Values.adapt(found < 0 ? 0 : str.codePointCount(0, found) + 1, type);
        };
    }

    private Expr trim(RexCall call, ColumnType type) {
        List<RexNode> operands = call.getOperands();
        SqlTrimFunction.Flag flag = ((RexLiteral) operands.get(0)).getValueAs(SqlTrimFunction.Flag.class);
        boolean leading = flag != SqlTrimFunction.Flag.TRAILING;
        boolean trailing = flag != SqlTrimFunction.Flag.LEADING;
        return ExprCompiler.strict(exprs.build(operands.get(1)), exprs.build(operands.get(2)), (c, s) -> {
            String chars = (String) c;
            String str = (String) s;
            int begin = 0;
            int end = str.length();
            while (leading && begin < end && chars.indexOf(str.charAt(begin)) >= 0) {
                begin++;
            }
            while (trailing && end > begin && chars.indexOf(str.charAt(end - 1)) >= 0) {
                end--;
            }
            return Values.adapt(str.substring(begin, end), type);
        });
    }

    /** LIKE with {@code _} and {@code %}, an optional one-character ESCAPE; a constant pattern is compiled once. */
    private Expr like(RexCall call, boolean negated) {
        List<RexNode> operands = call.getOperands();
        Expr value = exprs.build(operands.get(0));
        Expr pattern = exprs.build(operands.get(1));
        Expr escape = operands.size() > 2 ? exprs.build(operands.get(2)) : row -> "";
        Pattern constant = null;
        if (operands.get(1) instanceof RexLiteral p && !p.isNull()
                && (operands.size() < 3 || operands.get(2) instanceof RexLiteral e && !e.isNull())) {
            constant = likePattern(p.getValueAs(String.class),
                    operands.size() > 2 ? ((RexLiteral) operands.get(2)).getValueAs(String.class) : "");
        }
        Pattern fixed = constant;
        return row -> {
            Object v = value.eval(row);
            Object p = v == null ? null : pattern.eval(row);
            Object e = p == null ? null : escape.eval(row);
            if (e == null) {
                return null;
            }
            Pattern regex = fixed != null ? fixed : likePattern((String) p, (String) e);
            return regex.matcher((String) v).matches() != negated;
        };
    }

    static Pattern likePattern(String pattern, String escape) {
        if (escape.length() > 1) {
            throw new EvaluationException("LIKE escape must be one character, got '" + escape + "'");
        }
        char esc = escape.isEmpty() ? 0 : escape.charAt(0);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (esc != 0 && c == esc) {
                if (i + 1 == pattern.length()) {
                    throw new EvaluationException("LIKE pattern '" + pattern + "' ends with its escape character");
                }
                char next = pattern.charAt(++i);
                if (next != '_' && next != '%' && next != esc) {
                    throw new EvaluationException("LIKE pattern '" + pattern + "' escapes '" + next
                            + "'; only _, % and the escape itself can be escaped");
                }
                regex.append(Pattern.quote(String.valueOf(next)));
            } else if (c == '_') {
                regex.append('.');
            } else if (c == '%') {
                regex.append(".*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
