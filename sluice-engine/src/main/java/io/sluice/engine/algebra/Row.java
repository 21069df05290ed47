package io.sluice.engine.algebra;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable tuple of SQL values.
 *
 * <p>Values are {@code null}, {@link Boolean}, {@link Integer}, {@link Long}, {@link Float},
 * {@link Double}, {@link BigDecimal}, {@link String}, {@link LocalDateTime}, {@link LocalDate},
 * {@link LocalTime}, {@link ByteString} or an unmodifiable {@link List} of such values (a SQL
 * ARRAY, which orders element by element, a shorter prefix first). Rows order lexicographically,
 * column by column, with NULL before every other value; that order is what batches are sorted
 * by. Two DECIMALs compare and hash by numeric value, so {@code 1.0} and {@code 1.00} are one
 * key, as SQL wants.
 */
public final class Row implements Comparable<Row> {
    public static final Row EMPTY = new Row(new Object[0]);

    private final Object[] values;
    private int hash;

    private Row(Object[] values) {
        this.values = values;
    }

    /** A row of the given values; the array is copied. {@code Row.of(null)} is the row of one NULL. */
    public static Row of(Object... values) {
        if (values == null) {
            return new Row(new Object[] {null});
        }
        if (values.length == 0) {
            return EMPTY;
        }
        Object[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = normalize(copy[i]);
        }
        return new Row(copy);
    }

    /** A row that takes ownership of {@code values}: the caller must not change it afterwards. */
    public static Row wrap(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = normalize(values[i]);
        }
        return values.length == 0 ? EMPTY : new Row(values);
    }

    /** The values themselves, for {@link Rows} to read without a call per value; never to be changed. */
    Object[] values() {
        return values;
    }

    /** A row over {@code values} as they are: for values read back from a batch's columns, already normal. */
    static Row trusted(Object[] values) {
        return values.length == 0 ? EMPTY : new Row(values);
    }

    private static Object normalize(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Double || value instanceof String || value instanceof LocalDateTime
                || value instanceof BigDecimal || value instanceof Float || value instanceof LocalDate
                || value instanceof LocalTime || value instanceof ByteString) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(normalize(element));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new IllegalArgumentException("unsupported value type: " + value.getClass().getName());
    }

    public int arity() {
        return values.length;
    }

    public Object get(int column) {
        return values[column];
    }

    public boolean isNull(int column) {
        return values[column] == null;
    }

    /** The values of this row followed by those of {@code other}. */
    public Row concat(Row other) {
        if (other.values.length == 0) {
            return this;
        }
        if (values.length == 0) {
            return other;
        }
        Object[] all = Arrays.copyOf(values, values.length + other.values.length);
        System.arraycopy(other.values, 0, all, values.length, other.values.length);
        return new Row(all);
    }

    /** The values at the given column positions, in that order. */
    public Row project(int[] columns) {
        if (columns.length == 0) {
            return EMPTY;
        }
        Object[] picked = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            picked[i] = values[columns[i]];
        }
        return new Row(picked);
    }

    /** A copy of the values, for callers that build a new row from this one. */
    public Object[] toArray() {
        return values.clone();
    }

    @Override
    public int compareTo(Row other) {
        int n = Math.min(values.length, other.values.length);
        for (int i = 0; i < n; i++) {
            int c = compareValues(values[i], other.values[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(values.length, other.values.length);
    }

    /** SQL value order used for sorting: NULL first, then by value; values of different types by type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compareValues(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (a == null) {
            return -1;
        }
        if (b == null) {
            return 1;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                int c = compareValues(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        if (a.getClass() == b.getClass()) {
            return ((Comparable) a).compareTo(b);
        }
        return Integer.compare(typeRank(a), typeRank(b));
    }

    private static int typeRank(Object v) {
        if (v instanceof Boolean) {
            return 0;
        }
        if (v instanceof Integer) {
            return 1;
        }
        if (v instanceof Long) {
            return 2;
        }
        if (v instanceof Double) {
            return 3;
        }
        if (v instanceof BigDecimal) {
            return 4;
        }
        if (v instanceof String) {
            return 5;
        }
        if (v instanceof Float) {
            return 6;
        }
        if (v instanceof List) {
            return 7;
        }
        if (v instanceof LocalDateTime) {
            return 8;
        }
        if (v instanceof LocalDate) {
            return 9;
        }
        if (v instanceof LocalTime) {
            return 10;
        }
        return 11;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Row other) || other.values.length != values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (compareValues(values[i], other.values[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 1;
            for (Object v : values) {
                h = 31 * h + valueHash(v);
            }
            hash = h == 0 ? 1 : h;
        }
        return hash;
    }

    /** A hash consistent with {@link #compareValues}: DECIMALs by numeric value, ARRAYs element by element. */
    private static int valueHash(Object v) {
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? 0 : d.stripTrailingZeros().hashCode();
        }
        if (v instanceof List<?> list) {
            int h = 1;
            for (Object element : list) {
                h = 31 * h + valueHash(element);
            }
            return h;
        }
        return v == null ? 0 : v.hashCode();
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
