package io.sluice.sql.lower;

import io.sluice.engine.EvaluationException;
import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.Temporal;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Dates, times, timestamps and intervals: datetime ± interval, datetime − datetime, interval
 * arithmetic, EXTRACT, FLOOR/CEIL to a unit, DATE_TRUNC, and the casts and reinterpretations
 * Calcite uses to express TIMESTAMPADD and TIMESTAMPDIFF. Inside expressions a day-time interval
 * is a {@code Long} of milliseconds and a year-month interval a {@code Long} of months.
 */
final class TemporalFunctions {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final ExprCompiler exprs;

    TemporalFunctions(ExprCompiler exprs) {
        this.exprs = exprs;
    }

    /** The evaluator of a date/time function, or null when {@code call} is not one. */
    Expr tryCompile(RexCall call, ColumnType type) {
        List<RexNode> operands = call.getOperands();
        SqlKind kind = call.getKind();
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        if (kind == SqlKind.EXTRACT) {
            TimeUnit unit = unitOf(operands.get(0));
            boolean yearMonth = operands.get(1).getType().getSqlTypeName().getFamily()
                    == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_YEAR_MONTH;
            Expr a = exprs.build(operands.get(1));
            return row -> {
                Object v = a.eval(row);
                return v == null ? null : Values.adapt(extract(unit, v, yearMonth), type);
            };
        }
        if ((kind == SqlKind.FLOOR || kind == SqlKind.CEIL) && operands.size() == 2) {
            return truncate(operands.get(0), unitOf(operands.get(1)), kind == SqlKind.CEIL);
        }
        if (name.equals("DATE_TRUNC") || name.equals("TIMESTAMP_TRUNC") || name.equals("TIME_TRUNC")) {
            return truncate(operands.get(0), unitOf(operands.get(1)), false);
        }
        return null;
    }

    private static TimeUnit unitOf(RexNode flag) {
        if (!(flag instanceof RexLiteral literal)) {
            throw new UnsupportedPlanException("a time unit must be a constant: " + flag);
        }
        Object v = literal.getValue();
        if (v instanceof TimeUnitRange range) {
            return range.startUnit;
        }
        if (v instanceof TimeUnit unit) {
            return unit;
        }
        if (v instanceof SqlIntervalQualifier q) {
            return q.getStartUnit();
        }
        throw new UnsupportedPlanException("time unit " + literal + " is not supported");
    }

    private static long extract(TimeUnit unit, Object v, boolean yearMonth) {
        if (v instanceof Long interval) {
            return extractInterval(unit, interval, yearMonth);
        }
        LocalDate date = v instanceof LocalDateTime t ? t.toLocalDate() : v instanceof LocalDate d ? d : null;
        LocalTime time = v instanceof LocalDateTime t ? t.toLocalTime() : v instanceof LocalTime t ? t
                : LocalTime.MIDNIGHT;
        if (date == null && unit.ordinal() < TimeUnit.HOUR.ordinal()) {
            throw new EvaluationException("EXTRACT(" + unit + ") from a TIME");
        }
        return switch (unit) {
            case YEAR -> date.getYear();
            case QUARTER -> (date.getMonthValue() + 2) / 3;
            case MONTH -> date.getMonthValue();
            case WEEK -> date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case ISOYEAR -> date.get(IsoFields.WEEK_BASED_YEAR);
            case DAY -> date.getDayOfMonth();
            case DOW -> date.getDayOfWeek().getValue() % 7 + 1;
            case ISODOW -> date.getDayOfWeek().getValue();
            case DOY -> date.getDayOfYear();
            case DECADE -> Math.floorDiv(date.getYear(), 10);
            case CENTURY -> date.getYear() > 0 ? (date.getYear() + 99) / 100 : -((-date.getYear() + 99) / 100);
            case MILLENNIUM -> date.getYear() > 0 ? (date.getYear() + 999) / 1000 : -((-date.getYear() + 999) / 1000);
            case HOUR -> time.getHour();
            case MINUTE -> time.getMinute();
            case SECOND -> time.getSecond();
            case MILLISECOND -> time.getSecond() * 1000L + time.getNano() / 1_000_000;
            case MICROSECOND -> time.getSecond() * 1_000_000L + time.getNano() / 1_000;
            case NANOSECOND -> time.getSecond() * 1_000_000_000L + time.getNano();
            case EPOCH -> date == null ? time.toSecondOfDay()
                    : date.toEpochDay() * 86_400L + time.toSecondOfDay();
        };
    }

    private static long extractInterval(TimeUnit unit, long value, boolean yearMonth) {
        if (yearMonth) {
            return switch (unit) {
                case YEAR -> value / 12;
                case MONTH -> value % 12;
                case QUARTER -> value % 12 / 3 + 1;
                default -> throw new EvaluationException("EXTRACT(" + unit + ") from a year-month interval");
            };
        }
        return switch (unit) {
            case DAY -> value / MILLIS_PER_DAY;
            case HOUR -> value / 3_600_000L % 24;
            case MINUTE -> value / 60_000L % 60;
            case SECOND -> value / 1_000L % 60;
            case MILLISECOND -> value % 60_000L;
            case MICROSECOND -> value % 60_000L * 1_000L;
            case EPOCH -> value / 1_000L;
            default -> throw new EvaluationException("EXTRACT(" + unit + ") from a day-time interval");
        };
    }

    /** FLOOR (or CEIL) of a DATE, TIME or TIMESTAMP to a unit. */
    private Expr truncate(RexNode operand, TimeUnit unit, boolean ceil) {
        ChronoUnit step = switch (unit) {
            case YEAR -> ChronoUnit.YEARS;
            case QUARTER, MONTH -> ChronoUnit.MONTHS;
            case WEEK -> ChronoUnit.WEEKS;
            case DAY -> ChronoUnit.DAYS;
            case HOUR -> ChronoUnit.HOURS;
            case MINUTE -> ChronoUnit.MINUTES;
            case SECOND -> ChronoUnit.SECONDS;
            case MILLISECOND -> ChronoUnit.MILLIS;
            case MICROSECOND -> ChronoUnit.MICROS;
            default -> throw new UnsupportedPlanException("rounding a date or time to " + unit + " is not supported; "
                    + "supported units are YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND and MICROSECOND");
        };
        long amount = unit == TimeUnit.QUARTER ? 3 : 1;
        Expr a = exprs.build(operand);
        return row -> {
            Object v = a.eval(row);
            if (v == null) {
                return null;
            }
            Temporal floor = floor(v, unit);
            if (!ceil || floor.equals(v)) {
                return floor;
            }
            if (floor instanceof LocalDate && step.getDuration().compareTo(ChronoUnit.DAYS.getDuration()) < 0) {
                return floor;
            }
            return floor.plus(amount, step);
        };
    }

    private static Temporal floor(Object v, TimeUnit unit) {
        if (v instanceof LocalTime t) {
            return switch (unit) {
                case YEAR, QUARTER, MONTH, WEEK, DAY -> LocalTime.MIDNIGHT;
                default -> t.truncatedTo(chrono(unit));
            };
        }
        LocalDateTime t = v instanceof LocalDate d ? d.atStartOfDay() : (LocalDateTime) v;
        LocalDateTime out = switch (unit) {
            case YEAR -> t.toLocalDate().withDayOfYear(1).atStartOfDay();
            case QUARTER -> t.toLocalDate().withDayOfMonth(1).withMonth((t.getMonthValue() - 1) / 3 * 3 + 1)
                    .atStartOfDay();
            case MONTH -> t.toLocalDate().withDayOfMonth(1).atStartOfDay();
            // weeks start on Sunday, as in Calcite and Feldera (DOW 1 is Sunday)
            case WEEK -> t.toLocalDate().minusDays(t.getDayOfWeek().getValue() % 7).atStartOfDay();
            default -> t.truncatedTo(chrono(unit));
        };
        return v instanceof LocalDate ? out.toLocalDate() : out;
    }

    private static ChronoUnit chrono(TimeUnit unit) {
        return switch (unit) {
            case DAY -> ChronoUnit.DAYS;
            case HOUR -> ChronoUnit.HOURS;
            case MINUTE -> ChronoUnit.MINUTES;
            case SECOND -> ChronoUnit.SECONDS;
            case MILLISECOND -> ChronoUnit.MILLIS;
            default -> ChronoUnit.MICROS;
        };
    }

    /** +, -, * and / where a date, time, timestamp or interval is involved. */
    Expr arithmetic(RexCall call, ColumnType type) {
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        ColumnType lt = ExprCompiler.typeOf(left.getType());
        ColumnType rt = ExprCompiler.typeOf(right.getType());
        SqlKind kind = call.getKind();
        Expr a = exprs.build(left);
        Expr b = exprs.build(right);
        boolean li = isInterval(lt);
        boolean ri = isInterval(rt);
        if ((kind == SqlKind.PLUS || kind == SqlKind.MINUS) && !li && ri) {
            boolean months = rt.kind() == Kind.INTERVAL_YEAR_MONTH;
            boolean minus = kind == SqlKind.MINUS;
            return ExprCompiler.strict(a, b, (x, y) -> plus(x, minus ? Math.negateExact((Long) y) : (Long) y, months));
        }
        if (kind == SqlKind.PLUS && li && !ri) {
            boolean months = lt.kind() == Kind.INTERVAL_YEAR_MONTH;
            return ExprCompiler.strict(a, b, (x, y) -> plus(y, (Long) x, months));
        }
        if (kind == SqlKind.MINUS && !li && !ri && isInterval(type)) {
            boolean months = type.kind() == Kind.INTERVAL_YEAR_MONTH;
            return ExprCompiler.strict(a, b, (x, y) -> difference(x, y, months));
        }
        if ((kind == SqlKind.PLUS || kind == SqlKind.MINUS) && li && ri) {
            boolean minus = kind == SqlKind.MINUS;
            return ExprCompiler.strict(a, b, (x, y) -> minus ? Math.subtractExact((Long) x, (Long) y)
                    : Math.addExact((Long) x, (Long) y));
        }
        if ((kind == SqlKind.TIMES || kind == SqlKind.DIVIDE) && isInterval(type) && (li != ri)) {
            boolean divide = kind == SqlKind.DIVIDE;
            boolean intervalFirst = li;
            return ExprCompiler.strict(a, b, (x, y) -> {
                long interval = (Long) (intervalFirst ? x : y);
                BigDecimal factor = Values.toBigDecimal((Number) (intervalFirst ? y : x));
                BigDecimal r;
                if (divide) {
                    if (factor.signum() == 0) {
                        throw new EvaluationException("division by zero");
                    }
                    r = BigDecimal.valueOf(interval).divide(factor, 0, RoundingMode.DOWN);
                } else {
                    r = BigDecimal.valueOf(interval).multiply(factor).setScale(0, RoundingMode.DOWN);
                }
                try {
                    return r.longValueExact();
                } catch (ArithmeticException e) {
                    throw new EvaluationException("interval overflow", e);
                }
            });
        }
        throw new UnsupportedPlanException("operator " + call.getOperator().getName() + " on " + lt + " and " + rt
                + " is not supported");
    }

    private static boolean isInterval(ColumnType t) {
        return t.kind() == Kind.INTERVAL_DAY_TIME || t.kind() == Kind.INTERVAL_YEAR_MONTH;
    }

    private static Object plus(Object datetime, long interval, boolean months) {
        if (months) {
            if (datetime instanceof LocalDate d) {
                return d.plusMonths(interval);
            }
            if (datetime instanceof LocalDateTime t) {
                return t.plusMonths(interval);
            }
            return datetime;
        }
        if (datetime instanceof LocalDate d) {
            return d.plusDays(interval / MILLIS_PER_DAY);
        }
        if (datetime instanceof LocalDateTime t) {
            return t.plus(interval, ChronoUnit.MILLIS);
        }
        return ((LocalTime) datetime).plus(interval, ChronoUnit.MILLIS);
    }

    private static long difference(Object x, Object y, boolean months) {
        if (months) {
            return monthsBetween(asTimestamp(y), asTimestamp(x));
        }
        if (x instanceof LocalTime a && y instanceof LocalTime b) {
            return (a.toNanoOfDay() - b.toNanoOfDay()) / 1_000_000L;
        }
        return ChronoUnit.MILLIS.between(asTimestamp(y), asTimestamp(x));
    }

    /**
     * Whole months from {@code from} to {@code to}: the difference of their months, less one when the
     * later one's day and time of month have not reached the earlier one's (31 January to 1 March is
     * one month; 31 January to 29 February is none).
     */
    static long monthsBetween(LocalDateTime from, LocalDateTime to) {
        long months = (to.getYear() * 12L + to.getMonthValue()) - (from.getYear() * 12L + from.getMonthValue());
        int c = compareWithinMonth(to, from);
        if (months > 0 && c < 0) {
            months--;
        } else if (months < 0 && c > 0) {
            months++;
        }
        return months;
    }

    private static int compareWithinMonth(LocalDateTime a, LocalDateTime b) {
        int c = Integer.compare(a.getDayOfMonth(), b.getDayOfMonth());
        return c != 0 ? c : a.toLocalTime().compareTo(b.toLocalTime());
    }

    private static LocalDateTime asTimestamp(Object v) {
        if (v instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (v instanceof LocalTime t) {
            return t.atDate(LocalDate.EPOCH);
        }
        return (LocalDateTime) v;
    }

    /** CAST to or from an interval: a number counts the interval's leading unit (CAST(INTERVAL '3' DAY AS INT) = 3). */
    Expr castInterval(RexNode operand, RelDataType source, RelDataType target, ColumnType type) {
        boolean fromInterval = SqlTypeName.INTERVAL_TYPES.contains(source.getSqlTypeName());
        boolean toInterval = SqlTypeName.INTERVAL_TYPES.contains(target.getSqlTypeName());
        Expr a = exprs.build(operand);
        if (fromInterval && toInterval) {
            return a;
        }
        if (fromInterval && Values.isNumeric(type.kind())) {
            BigDecimal unit = source.getIntervalQualifier().getStartUnit().multiplier;
            return row -> {
                Object v = a.eval(row);
                return v == null ? null : Values.cast(BigDecimal.valueOf((Long) v).divide(unit, 0, RoundingMode.DOWN),
                        type);
            };
        }
        ColumnType sourceType = ExprCompiler.typeOf(source);
        if (toInterval && Values.isNumeric(sourceType.kind())) {
            BigDecimal unit = target.getIntervalQualifier().getStartUnit().multiplier;
            return row -> {
                Object v = a.eval(row);
                if (v == null) {
                    return null;
                }
                try {
                    return Values.toBigDecimal((Number) v).multiply(unit).setScale(0, RoundingMode.DOWN)
                            .longValueExact();
                } catch (ArithmeticException e) {
                    throw new EvaluationException("interval overflow", e);
                }
            };
        }
        throw new UnsupportedPlanException("CAST from " + source.getFullTypeString() + " to "
                + target.getFullTypeString() + " is not supported");
    }

    /** Calcite's REINTERPRET: an interval as its count of milliseconds or months, a date as its epoch day. */
    Expr reinterpret(RexCall call) {
        RexNode operand = call.getOperands().get(0);
        ColumnType target = ExprCompiler.typeOf(call.getType());
        ColumnType source = ExprCompiler.typeOf(operand.getType());
        Expr a = exprs.build(operand);
        if ((isInterval(source) || Values.isExactInteger(source.kind()))
                && (isInterval(target) || Values.isExactInteger(target.kind()))) {
            return row -> {
                Object v = a.eval(row);
                if (v == null) {
                    return null;
                }
                long x = ((Number) v).longValue();
                return isInterval(target) ? (Object) x : Values.narrow(x, target.kind());
            };
        }
        if (source.kind() == Kind.DATE && Values.isExactInteger(target.kind())) {
            return row -> {
                Object v = a.eval(row);
                return v == null ? null : Values.narrow(((LocalDate) v).toEpochDay(), target.kind());
            };
        }
        if (source.kind() == Kind.TIMESTAMP && target.kind() == Kind.BIGINT) {
            return row -> {
                Object v = a.eval(row);
                return v == null ? null : ((LocalDateTime) v).toInstant(ZoneOffset.UTC).toEpochMilli();
            };
        }
        throw new UnsupportedPlanException("REINTERPRET of " + source + " as " + target + " is not supported");
    }

}
