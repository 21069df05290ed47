package io.sluice.sql;

import static java.util.Objects.requireNonNull;

/**
 * The SQL type of a column or expression, without nullability.
 *
 * <p>Each kind has one Java class for its non-null values: BOOLEAN {@code Boolean}; TINYINT,
 * SMALLINT, INTEGER {@code Integer}; BIGINT {@code Long}; REAL {@code Float}; DOUBLE
 * {@code Double}; DECIMAL {@code BigDecimal} at the type's scale; CHAR (blank-padded to its
 * length) and VARCHAR {@code String}; VARBINARY {@code io.sluice.engine.algebra.ByteString};
 * DATE {@code LocalDate}; TIME {@code LocalTime}; TIMESTAMP {@code LocalDateTime}; ARRAY an
 * unmodifiable {@code List}; and the two INTERVAL kinds a {@code Long} (milliseconds for
 * day-time intervals, months for year-month ones), which exist only inside expressions.
 *
 * @param kind the type family
 * @param precision DECIMAL precision, CHAR/VARCHAR/VARBINARY length; -1 when not given
 * @param scale DECIMAL scale; 0 for every other kind
 * @param element the element type of an ARRAY; null for every other kind
 */
public record ColumnType(Kind kind, int precision, int scale, ColumnType element) {
    public enum Kind {
        BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL, CHAR, VARCHAR, VARBINARY, DATE, TIME,
        TIMESTAMP, INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH, ARRAY
    }

    public ColumnType {
        requireNonNull(kind, "kind is null");
        if (precision < -1) {
            throw new IllegalArgumentException("precision must be >= -1: " + precision);
        }
        if (scale < 0) {
            throw new IllegalArgumentException("scale must be >= 0: " + scale);
        }
        if ((kind == Kind.ARRAY) != (element != null)) {
            throw new IllegalArgumentException("an ARRAY, and only an ARRAY, has an element type: " + kind);
        }
    }

    public ColumnType(Kind kind, int precision, int scale) {
        this(kind, precision, scale, null);
    }

    public static ColumnType of(Kind kind) {
        return new ColumnType(kind, -1, 0);
    }

    public static ColumnType arrayOf(ColumnType element) {
        return new ColumnType(Kind.ARRAY, -1, 0, requireNonNull(element, "element is null"));
    }

    /** Whether a table or view column may have this type (intervals live only inside expressions). */
    public boolean storable() {
        return kind != Kind.INTERVAL_DAY_TIME && kind != Kind.INTERVAL_YEAR_MONTH
                && (element == null || element.storable());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DECIMAL -> precision >= 0 ? "DECIMAL(" + precision + ", " + scale + ")" : "DECIMAL";
            case CHAR, VARCHAR, VARBINARY -> precision >= 0 ? kind.name() + "(" + precision + ")" : kind.name();
            case INTERVAL_DAY_TIME -> "INTERVAL DAY TO SECOND";
            case INTERVAL_YEAR_MONTH -> "INTERVAL YEAR TO MONTH";
            case ARRAY -> element + " ARRAY";
            default -> kind.name();
        };
    }
}
