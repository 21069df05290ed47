package io.sluice.engine.algebra;

import java.io.IOException;

/**
 * Writes a batch as its columns and reads it back, so a stored batch costs a bulk copy of each
 * primitive array instead of one tagged value per cell. The byte format around it (framing,
 * checksums, how a single SQL value is tagged) belongs to the caller's {@link Sink} and
 * {@link Source}; this class fixes only the order of things:
 * <pre>
 *   batch   = varint entry count, rows (keys), rows (values), weights (count int64)
 *   rows    = byte 0 (empty rows) | byte 1, varint arity, column * arity | byte 2, row * count (mixed arities)
 *   column  = byte kind (1 BIGINT, 2 INT, 3 DOUBLE, 4 any value), byte 1 if it has NULLs then the NULL
 *             bitmap (ceil(count / 64) int64), then the values: count int64 | count int32 |
 *             count float64 bits | count tagged values
 * </pre>
 * Reading checks that entries are strictly ascending and weights non-zero, so a stored file
 * that passed its checksum but was written wrong is refused rather than trusted.
 */
public final class ColumnarEncoding {
    private static final int ROWS_EMPTY = 0;
    private static final int ROWS_COLUMNS = 1;
    private static final int ROWS_BOXED = 2;
    private static final int KIND_LONG = 1;
    private static final int KIND_INT = 2;
    private static final int KIND_DOUBLE = 3;
    private static final int KIND_OBJECT = 4;

    private ColumnarEncoding() {
    }

    /** Where the encoding goes: primitives in bulk, and single SQL values in the caller's tagged form. */
    public interface Sink {
        void writeByte(int b);

        void writeVarLong(long v);

        void writeLongs(long[] values, int n);

        void writeInts(int[] values, int n);

        void writeDoubles(double[] values, int n);

        void writeValue(Object value);

        void writeRow(Row row);
    }

    /** What {@link #read} reads from; every method throws an IOException on malformed input. */
    public interface Source {
        int readByte() throws IOException;

        /** A non-negative length of at most {@code max}. */
        int readLength(int max) throws IOException;

        long[] readLongs(int n) throws IOException;

        int[] readInts(int n) throws IOException;

        double[] readDoubles(int n) throws IOException;

        Object readValue() throws IOException;

        Row readRow() throws IOException;

        int remaining();

        IOException malformed(String problem);
    }

    public static void write(Batch batch, Sink sink) {
        int n = batch.size();
        sink.writeVarLong(n);
        writeRows(batch.keys(), n, sink);
        writeRows(batch.vals(), n, sink);
        sink.writeLongs(batch.weights(), n);
    }

    private static void writeRows(Rows rows, int n, Sink sink) {
        if (rows instanceof Rows.Empty) {
            sink.writeByte(ROWS_EMPTY);
        } else if (rows instanceof Rows.Columns columns) {
            sink.writeByte(ROWS_COLUMNS);
            sink.writeVarLong(columns.columns.length);
            for (Column column : columns.columns) {
                writeColumn(column, n, sink);
            }
        } else {
            sink.writeByte(ROWS_BOXED);
            for (int i = 0; i < n; i++) {
                sink.writeRow(rows.get(i));
            }
        }
    }

    private static void writeColumn(Column column, int n, Sink sink) {
        if (column instanceof Column.ObjectColumn objects) {
            sink.writeByte(KIND_OBJECT);
            sink.writeByte(0);
            for (int i = 0; i < n; i++) {
                sink.writeValue(objects.values[i]);
            }
            return;
        }
        sink.writeByte(column instanceof Column.LongColumn ? KIND_LONG : column instanceof Column.IntColumn ? KIND_INT : KIND_DOUBLE);
        if (column.nulls == null) {
            sink.writeByte(0);
        } else {
            sink.writeByte(1);
            sink.writeLongs(column.nulls, column.nulls.length);
        }
        if (column instanceof Column.LongColumn longs) {
            sink.writeLongs(longs.values, n);
        } else if (column instanceof Column.IntColumn ints) {
            sink.writeInts(ints.values, n);
        } else {
            sink.writeDoubles(((Column.DoubleColumn) column).values, n);
        }
    }

    public static Batch read(Source source) throws IOException {
        int n = source.readLength(source.remaining() / 8);
        Rows keys = readRows(n, source);
        Rows vals = readRows(n, source);
        long[] weights = source.readLongs(n);
        for (int i = 0; i < n; i++) {
            if (weights[i] == 0) {
                throw source.malformed("zero weight at entry " + i);
            }
            if (i > 0) {
                int c = keys.compare(i - 1, keys, i);
                if (c > 0 || (c == 0 && vals.compare(i - 1, vals, i) >= 0)) {
                    throw source.malformed("entries are not strictly ascending at entry " + i);
                }
            }
        }
        return Batch.of(keys, vals, weights);
    }

    private static Rows readRows(int n, Source source) throws IOException {
        int layout = source.readByte();
        switch (layout) {
            case ROWS_EMPTY:
                return n == 0 ? Rows.NONE : new Rows.Empty(n);
            case ROWS_COLUMNS: {
                int arity = source.readLength(source.remaining());
                if (arity == 0) {
                    throw source.malformed("a column layout of arity 0");
                }
                Column[] columns = new Column[arity];
                for (int c = 0; c < arity; c++) {
                    columns[c] = readColumn(n, source);
                }
                return new Rows.Columns(columns, n);
            }
            case ROWS_BOXED: {
                Row[] rows = new Row[n];
                for (int i = 0; i < n; i++) {
                    rows[i] = source.readRow();
                }
                return Rows.of(rows, n);
            }
            default:
                throw source.malformed("unknown row layout " + layout);
        }
    }

    private static Column readColumn(int n, Source source) throws IOException {
        int kind = source.readByte();
        int hasNulls = source.readByte();
        if (hasNulls > 1 || (kind == KIND_OBJECT && hasNulls != 0)) {
            throw source.malformed("bad NULL flag " + hasNulls);
        }
        long[] nulls = hasNulls == 1 ? source.readLongs((n + 63) >>> 6) : null;
        switch (kind) {
            case KIND_LONG:
                return new Column.LongColumn(source.readLongs(n), nulls);
            case KIND_INT:
                return new Column.IntColumn(source.readInts(n), nulls);
            case KIND_DOUBLE:
                return new Column.DoubleColumn(source.readDoubles(n), nulls);
            case KIND_OBJECT: {
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    values[i] = source.readValue();
                }
                return Column.of(values, n);
            }
            default:
                throw source.malformed("unknown column kind " + kind);
        }
    }
}
