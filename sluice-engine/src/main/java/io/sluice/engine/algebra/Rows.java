package io.sluice.engine.algebra;

import java.util.Arrays;

/**
 * The keys or the values of a {@link Batch}: an immutable sequence of rows, stored by column.
 *
 * <p>Layouts: {@link Empty} for a sequence of empty rows (the values of a plain Z-set), which
 * holds nothing but its size; {@link Columns} for rows of one arity, one {@link Column} per
 * position (a {@code long[]} for a BIGINT column, so a (BIGINT, BIGINT) row costs 16 bytes and no
 * object); {@link Boxed}, an array of {@link Row}s, only for a sequence that mixes arities.
 * {@link #get} makes a {@link Row} on demand; comparisons read the columns directly.
 */
abstract sealed class Rows permits Rows.Empty, Rows.Columns, Rows.Boxed {
    static final Rows NONE = new Empty(0);

    abstract int size();

    /** Row {@code i}, made from the columns (a new object each call, except for empty rows). */
    abstract Row get(int i);

    /** Orders row {@code i} against {@code row} as {@link Row#compareTo} does. */
    abstract int compare(int i, Row row);

    /** Orders row {@code i} against row {@code j} of {@code other} as {@link Row#compareTo} does. */
    abstract int compare(int i, Rows other, int j);

    /** A new sequence of the rows at {@code from[0..n)}. */
    abstract Rows gather(int[] from, int n);

    /**
     * The first position in {@code [lo, hi)} whose row sorts at or after {@code key} (with
     * {@code after}: strictly after it), the rows there being sorted.
     */
    int search(Row key, int lo, int hi, boolean after) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(mid, key);
            if (c < 0 || (after && c == 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Approximate heap bytes per row, for memory accounting. */
    abstract double bytesPerRow();

    /**
     * The rows {@code rows[0..n)}, in the most compact layout that holds them. One pass over the
     * rows, row by row: each column is filled into a primitive array of the kind its first non-NULL
     * value has, and turned into an object column if a later value has another class.
     */
    static Rows of(Row[] rows, int n) {
        if (n == 0) {
            return NONE;
        }
        int arity = rows[0].arity();
        for (int i = 1; i < n; i++) {
            if (rows[i].arity() != arity) {
                return new Boxed(Arrays.copyOf(rows, n));
            }
        }
        if (arity == 0) {
            return new Empty(n);
        }
        ColumnFiller[] fillers = new ColumnFiller[arity];
        for (int c = 0; c < arity; c++) {
            fillers[c] = new ColumnFiller(n);
        }
        for (int i = 0; i < n; i++) {
            Object[] values = rows[i].values();
            for (int c = 0; c < arity; c++) {
                fillers[c].set(i, values[c]);
            }
        }
        Column[] columns = new Column[arity];
        for (int c = 0; c < arity; c++) {
            columns[c] = fillers[c].column();
        }
        return new Columns(columns, n);
    }

    /** Fills one column of {@link #of}, value by value, in the kind the values allow. */
    private static final class ColumnFiller {
        private final int n;
        private Class<?> kind;
        private long[] longs;
        private int[] ints;
        private double[] doubles;
        private Object[] objects;
        private long[] nulls;

        ColumnFiller(int n) {
            this.n = n;
        }

        void set(int i, Object v) {
            if (objects != null) {
                objects[i] = v;
                return;
            }
            if (v == null) {
                if (nulls == null) {
                    nulls = new long[(n + 63) >>> 6];
                }
                nulls[i >>> 6] |= 1L << i;
                return;
            }
            Class<?> c = v.getClass();
            if (kind == null) {
                kind = c;
                if (c == Long.class) {
                    longs = new long[n];
                } else if (c == Integer.class) {
                    ints = new int[n];
                } else if (c == Double.class) {
                    doubles = new double[n];
                } else {
                    toObjects(i);
                    objects[i] = v;
                    return;
                }
            } else if (c != kind) {
                toObjects(i);
                objects[i] = v;
                return;
            }
            if (longs != null) {
                longs[i] = (Long) v;
            } else if (ints != null) {
                ints[i] = (Integer) v;
            } else {
                doubles[i] = (Double) v;
            }
        }

        /** Switches to an object column, boxing the values {@code 0..upTo)} set so far. */
        private void toObjects(int upTo) {
            objects = new Object[n];
            for (int j = 0; j < upTo; j++) {
                boolean isNull = nulls != null && (nulls[j >>> 6] & (1L << j)) != 0;
                if (isNull) {
                    continue;
                }
                // if/else, not ?: (a conditional over Long, Integer and Double would promote all to double)
                if (longs != null) {
                    objects[j] = Long.valueOf(longs[j]);
                } else if (ints != null) {
                    objects[j] = Integer.valueOf(ints[j]);
                } else if (doubles != null) {
                    objects[j] = Double.valueOf(doubles[j]);
                }
            }
            longs = null;
            ints = null;
            doubles = null;
            nulls = null;
        }

        Column column() {
            if (objects != null) {
                return new Column.ObjectColumn(objects);
            }
            if (longs != null) {
                return new Column.LongColumn(longs, nulls);
            }
            if (ints != null) {
                return new Column.IntColumn(ints, nulls);
            }
            if (doubles != null) {
                return new Column.DoubleColumn(doubles, nulls);
            }
            return new Column.ObjectColumn(new Object[n]); // every value NULL
        }
    }

    /**
     * Rows taken from two sequences: row i is {@code a}'s row {@code from[i]} when that is at
     * least 0, else {@code b}'s row {@code ~from[i]}. Columns stay primitive when both sides have
     * the same layout, so merging two batches of a trace copies arrays, not objects.
     */
    static Rows gather2(Rows a, Rows b, int[] from, int n) {
        if (n == 0) {
            return NONE;
        }
        if (a instanceof Empty && b instanceof Empty) {
            return new Empty(n);
        }
        if (a instanceof Columns x && b instanceof Columns y && x.columns.length == y.columns.length) {
            Column[] columns = new Column[x.columns.length];
            for (int c = 0; c < columns.length; c++) {
                columns[c] = Column.gather2(x.columns[c], y.columns[c], from, n);
            }
            return new Columns(columns, n);
        }
        Row[] rows = new Row[n];
        for (int i = 0; i < n; i++) {
            int f = from[i];
            rows[i] = f >= 0 ? a.get(f) : b.get(~f);
        }
        return of(rows, n);
    }

    /** {@code a}'s rows followed by {@code b}'s. */
    static Rows concat(Rows a, Rows b) {
        int n = a.size() + b.size();
        int[] from = new int[n];
        for (int i = 0; i < a.size(); i++) {
            from[i] = i;
        }
        for (int j = 0; j < b.size(); j++) {
            from[a.size() + j] = ~j;
        }
        return gather2(a, b, from, n);
    }

    /** Empty rows, as many as the size. */
    static final class Empty extends Rows {
        private final int size;

        Empty(int size) {
            this.size = size;
        }

        @Override
        int size() {
            return size;
        }

        @Override
        Row get(int i) {
            return Row.EMPTY;
        }

        @Override
        int compare(int i, Row row) {
            return row.arity() == 0 ? 0 : -1;
        }

        @Override
        int compare(int i, Rows other, int j) {
            return other instanceof Empty ? 0 : compare(i, other.get(j));
        }

        @Override
        Rows gather(int[] from, int n) {
            return n == 0 ? NONE : new Empty(n);
        }

        @Override
        double bytesPerRow() {
            return 0;
        }
    }

    /** Rows of one arity, column by column. */
    static final class Columns extends Rows {
        final Column[] columns;
        private final int size;

        Columns(Column[] columns, int size) {
            this.columns = columns;
            this.size = size;
        }

        @Override
        int size() {
            return size;
        }

        @Override
        Row get(int i) {
            Object[] values = new Object[columns.length];
            for (int c = 0; c < values.length; c++) {
                values[c] = columns[c].get(i);
            }
            return Row.trusted(values);
        }

        @Override
        int compare(int i, Row row) {
            int n = Math.min(columns.length, row.arity());
            for (int c = 0; c < n; c++) {
                int r = columns[c].compare(i, row.get(c));
                if (r != 0) {
                    return r;
                }
            }
            return Integer.compare(columns.length, row.arity());
        }

        /**
         * When the first column is a BIGINT column without NULLs and the key's first value a
         * {@code Long}, searches that {@code long[]} first, so most probes touch one array; the rest
         * of the key then decides among the rows that share that first value.
         */
        @Override
        int search(Row key, int lo, int hi, boolean after) {
            if (key.arity() > 0 && columns[0] instanceof Column.LongColumn first && first.nulls == null
                    && key.get(0) instanceof Long boxed) {
                long k = boxed;
                long[] v = first.values;
                int a = lo;
                int b = hi;
                while (a < b) {
                    int mid = (a + b) >>> 1;
                    if (v[mid] < k) {
                        a = mid + 1;
                    } else {
                        b = mid;
                    }
                }
                int end = a;
                while (end < hi && v[end] == k && end - a < 8) {
                    end++;
                }
                if (end - a == 8) {
                    int x = end;
                    int y = hi;
                    while (x < y) {
                        int mid = (x + y) >>> 1;
                        if (v[mid] <= k) {
                            x = mid + 1;
                        } else {
                            y = mid;
                        }
                    }
                    end = x;
                }
                if (columns.length == 1 && key.arity() == 1) {
                    return after ? end : a;
                }
                return super.search(key, a, end, after);
            }
            return super.search(key, lo, hi, after);
        }

        @Override
        int compare(int i, Rows other, int j) {
            if (other instanceof Columns o) {
                int n = Math.min(columns.length, o.columns.length);
                for (int c = 0; c < n; c++) {
                    int r = columns[c].compare(i, o.columns[c], j);
                    if (r != 0) {
                        return r;
                    }
                }
                return Integer.compare(columns.length, o.columns.length);
            }
            return compare(i, other.get(j));
        }

        @Override
        Rows gather(int[] from, int n) {
            if (n == 0) {
                return NONE;
            }
            Column[] picked = new Column[columns.length];
            for (int c = 0; c < picked.length; c++) {
                picked[c] = columns[c].gather(from, n);
            }
            return new Columns(picked, n);
        }

        @Override
        double bytesPerRow() {
            double b = 0;
            for (Column c : columns) {
                b += c.bytesPerValue() + (c.nulls == null ? 0 : 0.125);
            }
            return b;
        }
    }

    /** Rows of different arities, kept as objects. */
    static final class Boxed extends Rows {
        private final Row[] rows;

        Boxed(Row[] rows) {
            this.rows = rows;
        }

        @Override
        int size() {
            return rows.length;
        }

        @Override
        Row get(int i) {
            return rows[i];
        }

        @Override
        int compare(int i, Row row) {
            return rows[i].compareTo(row);
        }

        @Override
        int compare(int i, Rows other, int j) {
            return -other.compare(j, rows[i]);
        }

        @Override
        Rows gather(int[] from, int n) {
            Row[] picked = new Row[n];
            for (int i = 0; i < n; i++) {
                picked[i] = rows[from[i]];
            }
            return of(picked, n);
        }

        @Override
        double bytesPerRow() {
            return 4;
        }
    }
}
