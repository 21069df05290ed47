package io.sluice.sql.lower;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.ByteString;
import io.sluice.engine.algebra.Row;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** SQL semantics of values: comparison across numeric types, checked arithmetic and casts. */
public final class Values {
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .toFormatter(Locale.ROOT);

    private Values() {
    }

    static boolean isNumeric(Kind kind) {
        return switch (kind) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL -> true;
            default -> false;
        };
    }

    static boolean isExactInteger(Kind kind) {
        return kind == Kind.TINYINT || kind == Kind.SMALLINT || kind == Kind.INTEGER || kind == Kind.BIGINT;
    }

    /** Compares two non-null values of comparable SQL types; numbers compare by value across types. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
            if (a instanceof Double || b instanceof Double || a instanceof Float || b instanceof Float) {
                return Double.compare(x.doubleValue() + 0.0, y.doubleValue() + 0.0);
            }
            if (a instanceof BigDecimal || b instanceof BigDecimal) {
                return toBigDecimal(x).compareTo(toBigDecimal(y));
            }
            return Long.compare(x.longValue(), y.longValue());
        }
        if (a instanceof Double x && b instanceof Double y) {
            double dx = x;
            double dy = y;
            return dx < dy ? -1 : dx > dy ? 1 : Double.compare(dx + 0.0, dy + 0.0);
        }
        if (a instanceof Float x && b instanceof Float y) {
            return compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof List<?> && b instanceof List<?>) {
            return Row.compareValues(a, b);
        }
        if (a.getClass() != b.getClass()) {
            throw new EvaluationException("cannot compare " + a.getClass().getSimpleName() + " with "
                    + b.getClass().getSimpleName());
        }
        return ((Comparable) a).compareTo(b);
    }

    static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new EvaluationException("cannot convert " + d + " to DECIMAL");
            }
            return n instanceof Float f ? new BigDecimal(f.toString()) : BigDecimal.valueOf(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /** Narrows an exact integer result to {@code kind}, failing on overflow. */
    static Object narrow(long value, Kind kind) {
        return switch (kind) {
            case TINYINT -> {
                if (value < Byte.MIN_VALUE || value > Byte.MAX_VALUE) {
                    throw overflow("TINYINT", value);
                }
                yield (int) value;
            }
            case SMALLINT -> {
                if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
                    throw overflow("SMALLINT", value);
                }
                yield (int) value;
            }
            case INTEGER -> {
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    throw overflow("INTEGER", value);
                }
                yield (int) value;
            }
            default -> value;
        };
    }

    private static EvaluationException overflow(String type, Object value) {
        return new EvaluationException("value " + value + " is out of range for " + type);
    }

    /** Rounds or checks a DECIMAL to the given precision and scale. */
    static BigDecimal fitDecimal(BigDecimal value, ColumnType type, RoundingMode rounding) {
        BigDecimal scaled = value.setScale(type.scale(), rounding);
        if (type.precision() > 0 && scaled.precision() - scaled.scale() > type.precision() - type.scale()
                && scaled.signum() != 0) {
            throw overflow(type.toString(), value.toPlainString());
        }
        return scaled;
    }

    /** Checked binary arithmetic in the domain of the result type. */
    static Object arithmetic(char op, Object a, Object b, ColumnType result) {
        Kind kind = result.kind();
        if (isExactInteger(kind)) {
            long x = ((Number) a).longValue();
            long y = ((Number) b).longValue();
            try {
                long r = switch (op) {
                    case '+' -> Math.addExact(x, y);
                    case '-' -> Math.subtractExact(x, y);
                    case '*' -> Math.multiplyExact(x, y);
                    case '/' -> {
                        checkDivisor(y == 0);
                        if (x == Long.MIN_VALUE && y == -1) {
                            throw new ArithmeticException("overflow");
                        }
                        yield x / y;
                    }
                    case '%' -> {
                        checkDivisor(y == 0);
                        yield y == -1 ? 0 : x % y;
                    }
                    default -> throw new IllegalArgumentException("operator " + op);
                };
                return narrow(r, kind);
            } catch (ArithmeticException e) {
                throw new EvaluationException(kind + " overflow in " + x + " " + op + " " + y, e);
            }
        }
        if (kind == Kind.REAL) {
            return (float) (double) (Double) arithmetic(op, ((Number) a).floatValue(), ((Number) b).floatValue(),
                    ColumnType.of(Kind.DOUBLE));
        }
        if (kind == Kind.DOUBLE) {
            double x = ((Number) a).doubleValue();
            double y = ((Number) b).doubleValue();
            return switch (op) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                case '/' -> {
                    checkDivisor(y == 0);
                    yield x / y;
                }
                case '%' -> {
                    checkDivisor(y == 0);
                    yield x % y;
                }
                default -> throw new IllegalArgumentException("operator " + op);
            };
        }
        if (kind == Kind.DECIMAL) {
            BigDecimal x = toBigDecimal((Number) a);
            BigDecimal y = toBigDecimal((Number) b);
            BigDecimal r = switch (op) {
                case '+' -> x.add(y);
                case '-' -> x.subtract(y);
                case '*' -> x.multiply(y);
                case '/' -> {
                    checkDivisor(y.signum() == 0);
                    yield x.divide(y, result.scale(), RoundingMode.DOWN);
                }
                case '%' -> {
                    checkDivisor(y.signum() == 0);
                    yield x.remainder(y);
                }
                default -> throw new IllegalArgumentException("operator " + op);
            };
            return fitDecimal(r, result, RoundingMode.HALF_UP);
        }
        throw new IllegalArgumentException("arithmetic on " + kind);
    }

    private static void checkDivisor(boolean zero) {
        if (zero) {
            throw new EvaluationException("division by zero");
        }
    }

    static Object negate(Object a, ColumnType result) {
        if (a instanceof Double d) {
            return -d;
        }
        if (a instanceof Float f) {
            return -f;
        }
        if (a instanceof BigDecimal d) {
            return d.negate();
        }
        long x = ((Number) a).longValue();
        if (x == Long.MIN_VALUE) {
            throw new EvaluationException("BIGINT overflow in -" + x);
        }
        return narrow(-x, result.kind());
    }

    /** Converts a value to an equal value of {@code type}'s Java class (widening only, plus DECIMAL scale). */
    static Object adapt(Object value, ColumnType type) {
        if (value == null) {
            return null;
        }
        return switch (type.kind()) {
            case TINYINT, SMALLINT, INTEGER -> value instanceof Integer ? value : cast(value, type);
            case BIGINT -> value instanceof Long ? value : cast(value, type);
            case REAL -> value instanceof Float ? value : cast(value, type);
            case DOUBLE -> value instanceof Double ? value : cast(value, type);
            case DECIMAL -> value instanceof BigDecimal d && d.scale() == type.scale() ? value : cast(value, type);
            case CHAR -> value instanceof String str && (type.precision() < 0 || str.length() == type.precision())
                    ? value : cast(value, type);
            case TIMESTAMP -> value instanceof LocalDate d ? d.atStartOfDay() : value;
            default -> value;
        };
    }

    /** SQL CAST of a non-null value to {@code type}. */
    public static Object cast(Object value, ColumnType type) {
        if (value == null) {
            return null;
        }
        Kind kind = type.kind();
        return switch (kind) {
            case BOOLEAN -> castToBoolean(value);
            case TINYINT, SMALLINT, INTEGER, BIGINT -> narrow(castToLong(value, kind), kind);
            case REAL -> castToDouble(value).floatValue();
            case DOUBLE -> castToDouble(value);
            case DECIMAL -> castToDecimal(value, type);
            case VARCHAR -> castToString(value, type);
            case CHAR -> pad(castToString(value, type), type);
            case VARBINARY -> castToBinary(value, type);
            case DATE -> castToDate(value);
            case TIME -> castToTime(value);
            case TIMESTAMP -> castToTimestamp(value);
            case INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH -> {
                if (value instanceof Long l) {
                    yield l;
                }
                throw new EvaluationException("cannot cast " + value + " to " + type);
            }
            case ARRAY -> {
                if (!(value instanceof List<?> list)) {
                    throw new EvaluationException("cannot cast " + value + " to " + type);
                }
                List<Object> out = new ArrayList<>(list.size());
                for (Object element : list) {
                    out.add(cast(element, type.element()));
                }
                yield Collections.unmodifiableList(out);
            }
        };
    }

    private static Boolean castToBoolean(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            String t = s.trim();
            if (t.equalsIgnoreCase("true")) {
                return true;
            }
            if (t.equalsIgnoreCase("false")) {
                return false;
            }
            throw new EvaluationException("cannot cast '" + s + "' to BOOLEAN");
        }
        if (value instanceof Number n) {
            return toBigDecimal(n).signum() != 0;
        }
        throw new EvaluationException("cannot cast " + value + " to BOOLEAN");
    }

    private static long castToLong(Object value, Kind kind) {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Long l) {
            return l;
        }
        BigDecimal d;
        if (value instanceof Double || value instanceof Float) {
            double x = ((Number) value).doubleValue();
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                throw new EvaluationException("cannot cast " + value + " to " + kind);
            }
            d = BigDecimal.valueOf(x);
        } else if (value instanceof BigDecimal b) {
            d = b;
        } else if (value instanceof String s) {
            d = parseNumber(s, kind);
        } else if (value instanceof Boolean b) {
            return b ? 1 : 0;
        } else {
            throw new EvaluationException("cannot cast " + value + " to " + kind);
        }
        try {
            return d.setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new EvaluationException("value " + d.toPlainString() + " is out of range for " + kind, e);
        }
    }

    private static BigDecimal parseNumber(String s, Kind kind) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            throw new EvaluationException("cannot cast '" + s + "' to " + kind, e);
        }
    }

    private static Double castToDouble(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new EvaluationException("cannot cast '" + s + "' to DOUBLE", e);
            }
        }
        throw new EvaluationException("cannot cast " + value + " to DOUBLE");
    }

    private static BigDecimal castToDecimal(Object value, ColumnType type) {
        BigDecimal d;
        if (value instanceof Number n) {
            d = toBigDecimal(n);
        } else if (value instanceof String s) {
            d = parseNumber(s, Kind.DECIMAL);
        } else {
            throw new EvaluationException("cannot cast " + value + " to DECIMAL");
        }
        return fitDecimal(d, type, RoundingMode.HALF_UP);
    }

    private static String castToString(Object value, ColumnType type) {
        String s;
        if (value instanceof String str) {
            s = str;
        } else if (value instanceof Boolean b) {
            s = b ? "TRUE" : "FALSE";
        } else if (value instanceof BigDecimal d) {
            s = d.toPlainString();
        } else if (value instanceof LocalDateTime t) {
            s = formatTimestamp(t);
        } else if (value instanceof LocalTime t) {
            s = formatTime(t);
        } else if (value instanceof ByteString b) {
            s = new String(b.toByteArray(), StandardCharsets.UTF_8);
        } else if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object element : list) {
                parts.add(element == null ? "NULL" : castToString(element, ColumnType.of(Kind.VARCHAR)));
            }
            s = "[" + String.join(", ", parts) + "]";
        } else {
            s = value.toString();
        }
        if (type.precision() >= 0 && s.length() > type.precision()) {
            s = s.substring(0, type.precision());
        }
        return s;
    }

    /** Blank-pads (or cuts) a string to a CHAR(n) length. */
    static String pad(String s, ColumnType type) {
        int n = type.precision();
        if (n < 0 || s.length() == n) {
            return s;
        }
        return s.length() > n ? s.substring(0, n) : s + " ".repeat(n - s.length());
    }

    private static ByteString castToBinary(Object value, ColumnType type) {
        ByteString b;
        if (value instanceof ByteString bytes) {
            b = bytes;
        } else if (value instanceof String s) {
            b = ByteString.of(s.getBytes(StandardCharsets.UTF_8));
        } else {
            throw new EvaluationException("cannot cast " + value + " to VARBINARY");
        }
        return type.precision() >= 0 && b.length() > type.precision() ? b.substring(0, type.precision()) : b;
    }

    private static LocalDate castToDate(Object value) {
        if (value instanceof LocalDate d) {
            return d;
        }
        if (value instanceof LocalDateTime t) {
            return t.toLocalDate();
        }
        if (value instanceof String s) {
            try {
                return LocalDate.parse(s.trim());
            } catch (DateTimeParseException e) {
                throw new EvaluationException("cannot cast '" + s + "' to DATE", e);
            }
        }
        throw new EvaluationException("cannot cast " + value + " to DATE");
    }

    private static LocalTime castToTime(Object value) {
        if (value instanceof LocalTime t) {
            return t;
        }
        if (value instanceof LocalDateTime t) {
            return t.toLocalTime();
        }
        if (value instanceof String s) {
            try {
                return LocalTime.parse(s.trim());
            } catch (DateTimeParseException e) {
                throw new EvaluationException("cannot cast '" + s + "' to TIME", e);
            }
        }
        throw new EvaluationException("cannot cast " + value + " to TIME");
    }

    private static LocalDateTime castToTimestamp(Object value) {
        if (value instanceof LocalDateTime t) {
            return t;
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (value instanceof String s) {
            return parseTimestamp(s);
        }
        throw new EvaluationException("cannot cast " + value + " to TIMESTAMP");
    }

    /** Parses {@code yyyy-MM-dd[ HH:mm[:ss[.fff]]]} (a {@code T} separator is accepted too). */
    public static LocalDateTime parseTimestamp(String s) {
        try {
            return LocalDateTime.parse(s.trim(), TIMESTAMP);
        } catch (DateTimeParseException e) {
            throw new EvaluationException("cannot cast '" + s + "' to TIMESTAMP", e);
        }
    }

    static String formatTime(LocalTime t) {
        String base = String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() == 0) {
            return base;
        }
        return base + "." + String.format(Locale.ROOT, "%09d", t.getNano()).replaceAll("0+$", "");
    }

    static String formatTimestamp(LocalDateTime t) {
        String base = String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() == 0) {
            return base;
        }
        String frac = String.format(Locale.ROOT, "%09d", t.getNano()).replaceAll("0+$", "");
        return base + "." + frac;
    }
}
