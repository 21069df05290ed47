package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

/**
 * One aggregate of a grouped aggregation, computed over the value rows of each group.
 *
 * @param kind what to compute
 * @param column the value column it reads; ignored for {@link Kind#COUNT_STAR}
 * @param type the SQL type family of the argument and result of SUM and AVG, which decides the arithmetic and the overflow range
 */
public record AggregateCall(Kind kind, int column, NumericType type) {
    public enum Kind {
        /** COUNT(*): the number of rows in the group (BIGINT). */
        COUNT_STAR,
        /** COUNT(col): the number of non-NULL values (BIGINT). */
        COUNT,
        /** SUM(col): NULL when the group has no non-NULL value. */
        SUM,
        /**
         * AVG(col): SUM(col) / COUNT(col) in the argument's type, NULL when the group has no
         * non-NULL value. Integer types truncate toward zero; DECIMAL keeps the scale of the sum
         * and truncates toward zero; DOUBLE divides exactly.
         */
        AVG
    }

    /** Result types of SUM; COUNT is always BIGINT. */
    public enum NumericType {
        TINYINT, SMALLINT, INTEGER, BIGINT, DOUBLE, DECIMAL
    }

    public AggregateCall {
        requireNonNull(kind, "kind is null");
        requireNonNull(type, "type is null");
        if (kind != Kind.COUNT_STAR && column < 0) {
            throw new IllegalArgumentException("column must be >= 0: " + column);
        }
    }

    public static AggregateCall countStar() {
        return new AggregateCall(Kind.COUNT_STAR, -1, NumericType.BIGINT);
    }

    public static AggregateCall count(int column) {
        return new AggregateCall(Kind.COUNT, column, NumericType.BIGINT);
    }

    public static AggregateCall sum(int column, NumericType type) {
        return new AggregateCall(Kind.SUM, column, type);
    }

    public static AggregateCall avg(int column, NumericType type) {
        return new AggregateCall(Kind.AVG, column, type);
    }
}
