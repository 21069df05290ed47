package io.sluice.engine.algebra;

import java.util.Arrays;

/**
 * One column of a {@link Rows} store: the values of one position of every row, in a primitive
 * array when they allow it. A column never changes after it is made.
 *
 * <p>Kinds: {@link LongColumn} holds a column whose non-NULL values are all {@link Long}s (BIGINT),
 * {@link IntColumn} all {@link Integer}s, {@link DoubleColumn} all {@link Double}s; NULLs are
 * a bitmap beside the array (absent when the column has none). Any other column, and any column
 * that mixes value classes, is an {@link ObjectColumn} of the values themselves. Comparisons
 * follow {@link Row#compareValues} exactly, so a batch sorts the same in every layout.
 */
abstract sealed class Column permits Column.LongColumn, Column.IntColumn, Column.DoubleColumn, Column.ObjectColumn {
    /** Bit i set when value i is NULL; null when no value is NULL. */
    final long[] nulls;

    Column(long[] nulls) {
        this.nulls = nulls;
    }

    boolean isNull(int i) {
        return nulls != null && (nulls[i >>> 6] & (1L << i)) != 0;
    }

    /** The value at {@code i}, boxed as in a {@link Row}; null for NULL. */
    abstract Object get(int i);

    /** Orders value {@code i} against {@code value} as {@link Row#compareValues} does. */
    abstract int compare(int i, Object value);

    /** Orders value {@code i} of this column against value {@code j} of {@code other}. */
    abstract int compare(int i, Column other, int j);

    /** A new column of the values at {@code from[0..n)}, each an index into this column. */
    abstract Column gather(int[] from, int n);

    /** Bytes held per value, for memory accounting; the NULL bitmap adds 1/8. */
    abstract int bytesPerValue();

    /** The class of this column's values, or null for an object column. */
    abstract Class<?> valueClass();

    /**
     * A column of {@code values[0..n)}, in the most compact kind that holds them. The array is
     * kept (object columns) or copied (primitive ones); the caller must not change it afterwards.
     */
    static Column of(Object[] values, int n) {
        Class<?> kind = null;
        boolean anyNull = false;
        for (int i = 0; i < n; i++) {
            Object v = values[i];
            if (v == null) {
                anyNull = true;
            } else if (kind == null) {
                kind = v.getClass();
            } else if (kind != v.getClass()) {
                kind = Object.class;
                break;
            }
        }
        long[] nulls = anyNull ? nullBitmap(values, n) : null;
        if (kind == Long.class) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    a[i] = (Long) values[i];
                }
            }
            return new LongColumn(a, nulls);
        }
        if (kind == Integer.class) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    a[i] = (Integer) values[i];
                }
            }
            return new IntColumn(a, nulls);
        }
        if (kind == Double.class) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                if (values[i] != null) {
                    a[i] = (Double) values[i];
                }
            }
            return new DoubleColumn(a, nulls);
        }
        return new ObjectColumn(values.length == n ? values : Arrays.copyOf(values, n));
    }

    private static long[] nullBitmap(Object[] values, int n) {
        long[] bits = new long[(n + 63) >>> 6];
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return bits;
    }

    /** The NULL bitmap of the values at {@code from[0..n)}, or null when none of them is NULL. */
    final long[] gatherNulls(int[] from, int n) {
        if (nulls == null) {
            return null;
        }
        long[] bits = null;
        for (int i = 0; i < n; i++) {
            if (isNull(from[i])) {
                if (bits == null) {
                    bits = new long[(n + 63) >>> 6];
                }
                bits[i >>> 6] |= 1L << i;
            }
        }
        return bits;
    }

    /**
     * A column of values taken from two columns: entry i is {@code a}'s value {@code from[i]} when
     * that is at least 0, else {@code b}'s value {@code ~from[i]}. Stays primitive when both are
     * of the same primitive kind.
     */
    static Column gather2(Column a, Column b, int[] from, int n) {
        if (a instanceof LongColumn x && b instanceof LongColumn y) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                int f = from[i];
                v[i] = f >= 0 ? x.values[f] : y.values[~f];
            }
            return new LongColumn(v, gatherNulls2(a, b, from, n));
        }
        if (a instanceof IntColumn x && b instanceof IntColumn y) {
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                int f = from[i];
                v[i] = f >= 0 ? x.values[f] : y.values[~f];
            }
            return new IntColumn(v, gatherNulls2(a, b, from, n));
        }
        if (a instanceof DoubleColumn x && b instanceof DoubleColumn y) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                int f = from[i];
                v[i] = f >= 0 ? x.values[f] : y.values[~f];
            }
            return new DoubleColumn(v, gatherNulls2(a, b, from, n));
        }
        Object[] v = new Object[n];
        for (int i = 0; i < n; i++) {
            int f = from[i];
            v[i] = f >= 0 ? a.get(f) : b.get(~f);
        }
        return of(v, n);
    }

    private static long[] gatherNulls2(Column a, Column b, int[] from, int n) {
        if (a.nulls == null && b.nulls == null) {
            return null;
        }
        long[] bits = null;
        for (int i = 0; i < n; i++) {
            int f = from[i];
            if (f >= 0 ? a.isNull(f) : b.isNull(~f)) {
                if (bits == null) {
                    bits = new long[(n + 63) >>> 6];
                }
                bits[i >>> 6] |= 1L << i;
            }
        }
        return bits;
    }

    /** NULL ordering shared by the primitive kinds: -2 when neither side is NULL. */
    final int compareNulls(int i, Object value) {
        boolean mine = isNull(i);
        if (value == null) {
            return mine ? 0 : 1;
        }
        return mine ? -1 : -2;
    }

    final int compareNulls(int i, Column other, int j) {
        boolean mine = isNull(i);
        boolean theirs = other.isNull(j);
        if (mine || theirs) {
            return mine == theirs ? 0 : mine ? -1 : 1;
        }
        return -2;
    }

    /** BIGINT values. */
    static final class LongColumn extends Column {
        final long[] values;

        LongColumn(long[] values, long[] nulls) {
            super(nulls);
            this.values = values;
        }

        @Override
        Object get(int i) {
            return isNull(i) ? null : Long.valueOf(values[i]);
        }

        @Override
        int compare(int i, Object value) {
            int c = compareNulls(i, value);
            if (c != -2) {
                return c;
            }
            return value instanceof Long l ? Long.compare(values[i], l) : Row.compareValues(values[i], value);
        }

        @Override
        int compare(int i, Column other, int j) {
            if (other instanceof LongColumn o && nulls == null && o.nulls == null) {
                return Long.compare(values[i], o.values[j]);
            }
            int c = compareNulls(i, other, j);
            if (c != -2) {
                return c;
            }
            return other instanceof LongColumn o ? Long.compare(values[i], o.values[j]) : Row.compareValues(get(i), other.get(j));
        }

        @Override
        Column gather(int[] from, int n) {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = values[from[i]];
            }
            return new LongColumn(v, gatherNulls(from, n));
        }

        @Override
        int bytesPerValue() {
            return 8;
        }

        @Override
        Class<?> valueClass() {
            return Long.class;
        }
    }

    /** INT (and other 32-bit integer) values. */
    static final class IntColumn extends Column {
        final int[] values;

        IntColumn(int[] values, long[] nulls) {
            super(nulls);
            this.values = values;
        }

        @Override
        Object get(int i) {
            return isNull(i) ? null : Integer.valueOf(values[i]);
        }

        @Override
        int compare(int i, Object value) {
            int c = compareNulls(i, value);
            if (c != -2) {
                return c;
            }
            return value instanceof Integer v ? Integer.compare(values[i], v) : Row.compareValues(values[i], value);
        }

        @Override
        int compare(int i, Column other, int j) {
            int c = compareNulls(i, other, j);
            if (c != -2) {
                return c;
            }
            return other instanceof IntColumn o ? Integer.compare(values[i], o.values[j]) : Row.compareValues(get(i), other.get(j));
        }

        @Override
        Column gather(int[] from, int n) {
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = values[from[i]];
            }
            return new IntColumn(v, gatherNulls(from, n));
        }

        @Override
        int bytesPerValue() {
            return 4;
        }

        @Override
        Class<?> valueClass() {
            return Integer.class;
        }
    }

    /** DOUBLE values, ordered as {@link Double#compare} orders them (-0.0 before 0.0, NaN last). */
    static final class DoubleColumn extends Column {
        final double[] values;

        DoubleColumn(double[] values, long[] nulls) {
            super(nulls);
            this.values = values;
        }

        @Override
        Object get(int i) {
            return isNull(i) ? null : Double.valueOf(values[i]);
        }

        @Override
        int compare(int i, Object value) {
            int c = compareNulls(i, value);
            if (c != -2) {
                return c;
            }
            return value instanceof Double d ? Double.compare(values[i], d) : Row.compareValues(values[i], value);
        }

        @Override
        int compare(int i, Column other, int j) {
            int c = compareNulls(i, other, j);
            if (c != -2) {
                return c;
            }
            return other instanceof DoubleColumn o ? Double.compare(values[i], o.values[j]) : Row.compareValues(get(i), other.get(j));
        }

        @Override
        Column gather(int[] from, int n) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = values[from[i]];
            }
            return new DoubleColumn(v, gatherNulls(from, n));
        }

        @Override
        int bytesPerValue() {
            return 8;
        }

        @Override
        Class<?> valueClass() {
            return Double.class;
        }
    }

    /** Any other values (strings, decimals, timestamps, ...) or a mix of classes, as references. */
    static final class ObjectColumn extends Column {
        final Object[] values;

        ObjectColumn(Object[] values) {
            super(null);
            this.values = values;
        }

        @Override
        boolean isNull(int i) {
            return values[i] == null;
        }

        @Override
        Object get(int i) {
            return values[i];
        }

        @Override
        int compare(int i, Object value) {
            return Row.compareValues(values[i], value);
        }

        @Override
        int compare(int i, Column other, int j) {
            return Row.compareValues(values[i], other.get(j));
        }

        @Override
        Column gather(int[] from, int n) {
            Object[] v = new Object[n];
            for (int i = 0; i < n; i++) {
                v[i] = values[from[i]];
            }
            return new ObjectColumn(v);
        }

        @Override
        int bytesPerValue() {
            return 4;
        }

        @Override
        Class<?> valueClass() {
            return null;
        }
    }
}
