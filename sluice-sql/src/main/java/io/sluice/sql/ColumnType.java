package io.sluice.sql;

import static java.util.Objects.requireNonNull;

/**
 * The SQL type of a column, without nullability.
 *
 * @param kind the type family
 * @param precision DECIMAL precision or VARCHAR length; -1 when not given
 * @param scale DECIMAL scale; 0 for every other kind
 */
public record ColumnType(Kind kind, int precision, int scale) {
    public enum Kind {
        BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, DOUBLE, DECIMAL, VARCHAR, TIMESTAMP
    }

    public ColumnType {
        requireNonNull(kind, "kind is null");
        if (precision < -1) {
            throw new IllegalArgumentException("precision must be >= -1: " + precision);
        }
        if (scale < 0) {
            throw new IllegalArgumentException("scale must be >= 0: " + scale);
        }
    }

    public static ColumnType of(Kind kind) {
        return new ColumnType(kind, -1, 0);
    }

    @Override
    public String toString() {
        if (kind == Kind.DECIMAL && precision >= 0) {
            return "DECIMAL(" + precision + ", " + scale + ")";
        }
        if (kind == Kind.VARCHAR && precision >= 0) {
            return "VARCHAR(" + precision + ")";
        }
        return kind.name();
    }
}
