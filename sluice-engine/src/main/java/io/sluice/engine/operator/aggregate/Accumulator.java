package io.sluice.engine.operator.aggregate;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.AggregateCall;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The running state of one group: its row count and, per aggregate call, the weighted sum of its
 * non-NULL values and how many there are (AVG is that sum divided by that count, computed when the
 * result is read, so it stays linear). Every aggregate here is linear in the weights, so an
 * insert adds and a delete subtracts. Stored as the row {@code [count, sum0, nonNull0, sum1, ...]}
 * (integer sums as Long, DOUBLE as Double, DECIMAL as BigDecimal, null before the first value).
 */
final class Accumulator {
    private final List<AggregateCall> calls;
    private long count;
    private final Object[] sums;
    private final long[] nonNull;

    private Accumulator(List<AggregateCall> calls) {
        this.calls = calls;
        this.sums = new Object[calls.size()];
        this.nonNull = new long[calls.size()];
    }

    static Accumulator empty(List<AggregateCall> calls) {
        return new Accumulator(calls);
    }

    static Accumulator of(List<AggregateCall> calls, Row state) {
        Accumulator acc = new Accumulator(calls);
        if (state == null) {
            return acc;
        }
        acc.count = (Long) state.get(0);
        for (int i = 0; i < calls.size(); i++) {
            acc.sums[i] = state.get(1 + 2 * i);
            acc.nonNull[i] = (Long) state.get(2 + 2 * i);
        }
        return acc;
    }

    long count() {
        return count;
    }

    /** Adds {@code weight} copies of {@code value} (negative weights remove). */
    void add(Row value, long weight) {
        count = addCount(count, weight);
        for (int i = 0; i < calls.size(); i++) {
            AggregateCall call = calls.get(i);
            if (call.kind() == AggregateCall.Kind.COUNT_STAR) {
                continue;
            }
            Object v = value.get(call.column());
            if (v == null) {
                continue;
            }
            nonNull[i] = addCount(nonNull[i], weight);
            if (call.kind() == AggregateCall.Kind.SUM || call.kind() == AggregateCall.Kind.AVG) {
                sums[i] = addToSum(call.type(), sums[i], v, weight);
            }
        }
    }

    /** The state row, or null when the group holds no rows and {@code keepEmpty} is false. */
    Row toState(boolean keepEmpty) {
        if (count == 0 && !keepEmpty) {
            return null;
        }
        Object[] values = new Object[1 + 2 * calls.size()];
        values[0] = count;
        for (int i = 0; i < calls.size(); i++) {
            values[1 + 2 * i] = nonNull[i] == 0 ? null : sums[i];
            values[2 + 2 * i] = nonNull[i];
        }
        return Row.wrap(values);
    }

    /** The aggregate values, in call order. */
    Row result() {
        Object[] values = new Object[calls.size()];
        for (int i = 0; i < calls.size(); i++) {
            AggregateCall call = calls.get(i);
            values[i] = switch (call.kind()) {
                case COUNT_STAR -> count;
                case COUNT -> nonNull[i];
                case SUM -> nonNull[i] == 0 ? null : sumResult(call.type(), sums[i]);
                case AVG -> nonNull[i] == 0 ? null : avgResult(call.type(), sums[i], nonNull[i]);
            };
        }
        return Row.wrap(values);
    }

    private static long addCount(long count, long weight) {
        try {
            return Math.addExact(count, weight);
        } catch (ArithmeticException e) {
            throw new EvaluationException("COUNT overflows BIGINT", e);
        }
    }

    private static Object addToSum(AggregateCall.NumericType type, Object sum, Object value, long weight) {
        switch (type) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> {
                long base = sum == null ? 0L : (Long) sum;
                try {
                    return Math.addExact(base, Math.multiplyExact(integral(value), weight));
                } catch (ArithmeticException e) {
                    throw new EvaluationException("SUM overflows " + type, e);
                }
            }
            case DOUBLE -> {
                double base = sum == null ? 0.0 : (Double) sum;
                return base + number(value).doubleValue() * weight;
            }
            case DECIMAL -> {
                BigDecimal base = sum == null ? BigDecimal.ZERO : (BigDecimal) sum;
                return base.add(decimal(value).multiply(BigDecimal.valueOf(weight)));
            }
            default -> throw new IllegalStateException("unknown type " + type);
        }
    }

    private static Object sumResult(AggregateCall.NumericType type, Object sum) {
        return switch (type) {
            case TINYINT -> narrow((Long) sum, Byte.MIN_VALUE, Byte.MAX_VALUE, type);
            case SMALLINT -> narrow((Long) sum, Short.MIN_VALUE, Short.MAX_VALUE, type);
            case INTEGER -> narrow((Long) sum, Integer.MIN_VALUE, Integer.MAX_VALUE, type);
            case BIGINT, DOUBLE, DECIMAL -> sum;
        };
    }

    /** sum / count: exact for DOUBLE, truncated toward zero for integers and DECIMAL (at the scale of the sum). */
    private static Object avgResult(AggregateCall.NumericType type, Object sum, long count) {
        return switch (type) {
            case TINYINT, SMALLINT, INTEGER -> (int) ((Long) sum / count);
            case BIGINT -> (Long) sum / count;
            case DOUBLE -> (Double) sum / count;
            case DECIMAL -> {
                BigDecimal total = (BigDecimal) sum;
                yield total.divide(BigDecimal.valueOf(count), Math.max(total.scale(), 0), RoundingMode.DOWN);
            }
        };
    }

    private static Integer narrow(long sum, long min, long max, AggregateCall.NumericType type) {
        if (sum < min || sum > max) {
            throw new EvaluationException("SUM overflows " + type + ": " + sum);
        }
        return (int) sum;
    }

    private static long integral(Object value) {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Long l) {
            return l;
        }
        throw new EvaluationException("SUM of an integer type got " + value.getClass().getSimpleName() + ": " + value);
    }

    private static Number number(Object value) {
        if (value instanceof Number n) {
            return n;
        }
        throw new EvaluationException("SUM of a number got " + value.getClass().getSimpleName() + ": " + value);
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof Integer || value instanceof Long) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d);
        }
        throw new EvaluationException("SUM of DECIMAL got " + value.getClass().getSimpleName() + ": " + value);
    }
}
