package io.sluice.engine.storage;

import io.sluice.engine.algebra.ByteString;
import io.sluice.engine.algebra.ColumnarEncoding;
import io.sluice.engine.algebra.Row;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes the payload of a Sluice binary file: varints, zig-zag signed varints, strings and tagged
 * row values. {@link #finish} frames it as magic, version, payload length, payload, CRC32C.
 */
final class Encoder implements ColumnarEncoding.Sink {
    static final byte TAG_NULL = 0;
    static final byte TAG_BOOLEAN = 1;
    static final byte TAG_INT = 2;
    static final byte TAG_LONG = 3;
    static final byte TAG_DOUBLE = 4;
    static final byte TAG_DECIMAL = 5;
    static final byte TAG_STRING = 6;
    static final byte TAG_TIMESTAMP = 7;
    static final byte TAG_REAL = 8;
    static final byte TAG_DATE = 9;
    static final byte TAG_TIME = 10;
    static final byte TAG_BINARY = 11;
    static final byte TAG_ARRAY = 12;

    /** Size of the buffer that {@link #finish} streams primitive arrays through. */
    private static final int CHUNK = 1 << 18;
    /** Primitive arrays smaller than this are copied into the byte buffer instead of kept by reference. */
    private static final int INLINE_LIMIT = 4096;

    /**
     * The payload so far, in order: {@code byte[]} pieces of encoded bytes, and primitive arrays
     * kept by reference (a batch's columns never change), which {@link #finish} encodes while it
     * writes. So a large batch is never copied into one payload array: its file is written in
     * chunks of {@link #CHUNK} bytes, and memory stays flat however large the batch.
     */
    private final List<Object> segments = new ArrayList<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private long length;

    /** An array of {@code n} primitives (a {@code long[]}, {@code int[]} or {@code double[]}) to write little-endian. */
    private record Primitives(Object array, int n, int width) {
    }

    private void addPrimitives(Object array, int n, int width) {
        if (n == 0) {
            return;
        }
        if ((long) n * width < INLINE_LIMIT) {
            byte[] bytes = new byte[n * width];
            fill(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), array, 0, n);
            buffer.write(bytes, 0, bytes.length);
            return;
        }
        flushBuffer();
        segments.add(new Primitives(array, n, width));
        length += (long) n * width;
    }

    private void flushBuffer() {
        if (buffer.size() > 0) {
            byte[] bytes = buffer.toByteArray();
            segments.add(bytes);
            length += bytes.length;
            buffer.reset();
        }
    }

    /** Puts {@code array[from..from+n)} into {@code bytes} at its position. */
    private static void fill(ByteBuffer bytes, Object array, int from, int n) {
        if (array instanceof long[] longs) {
            bytes.asLongBuffer().put(longs, from, n);
        } else if (array instanceof int[] ints) {
            bytes.asIntBuffer().put(ints, from, n);
        } else {
            bytes.asDoubleBuffer().put((double[]) array, from, n);
        }
    }

    @Override
    public void writeByte(int b) {
        buffer.write(b);
    }

    @Override
    public void writeLongs(long[] values, int n) {
        addPrimitives(values, n, 8);
    }

    @Override
    public void writeInts(int[] values, int n) {
        addPrimitives(values, n, 4);
    }

    @Override
    public void writeDoubles(double[] values, int n) {
        addPrimitives(values, n, 8);
    }

    @Override
    public void writeVarLong(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buffer.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.write((int) v);
    }

    void writeSignedVarLong(long value) {
        writeVarLong((value << 1) ^ (value >> 63));
    }

    void writeBytes(byte[] bytes) {
        writeVarLong(bytes.length);
        buffer.write(bytes, 0, bytes.length);
    }

    void writeString(String s) {
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void writeRow(Row row) {
        writeVarLong(row.arity());
        for (int i = 0; i < row.arity(); i++) {
            writeValue(row.get(i));
        }
    }

    @Override
    public void writeValue(Object value) {
        if (value == null) {
            buffer.write(TAG_NULL);
        } else if (value instanceof Boolean b) {
            buffer.write(TAG_BOOLEAN);
            buffer.write(b ? 1 : 0);
        } else if (value instanceof Integer i) {
            buffer.write(TAG_INT);
            writeSignedVarLong(i);
        } else if (value instanceof Long l) {
            buffer.write(TAG_LONG);
            writeSignedVarLong(l);
        } else if (value instanceof Double d) {
            buffer.write(TAG_DOUBLE);
            long bits = Double.doubleToRawLongBits(d);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer.write((int) (bits >>> shift));
            }
        } else if (value instanceof BigDecimal d) {
            buffer.write(TAG_DECIMAL);
            writeSignedVarLong(d.scale());
            writeBytes(d.unscaledValue().toByteArray());
        } else if (value instanceof String s) {
            buffer.write(TAG_STRING);
            writeString(s);
        } else if (value instanceof LocalDateTime t) {
            buffer.write(TAG_TIMESTAMP);
            writeSignedVarLong(t.toEpochSecond(ZoneOffset.UTC));
            writeVarLong(t.getNano());
        } else if (value instanceof Float f) {
            buffer.write(TAG_REAL);
            int bits = Float.floatToRawIntBits(f);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buffer.write(bits >>> shift);
            }
        } else if (value instanceof LocalDate d) {
            buffer.write(TAG_DATE);
            writeSignedVarLong(d.toEpochDay());
        } else if (value instanceof LocalTime t) {
            buffer.write(TAG_TIME);
            writeVarLong(t.toNanoOfDay());
        } else if (value instanceof ByteString b) {
            buffer.write(TAG_BINARY);
            writeBytes(b.toByteArray());
        } else if (value instanceof List<?> list) {
            buffer.write(TAG_ARRAY);
            writeVarLong(list.size());
            for (Object element : list) {
                writeValue(element);
            }
        } else {
            throw new IllegalArgumentException("unsupported value type: " + value.getClass().getName());
        }
    }

    /**
     * Writes the framed file: magic (4 bytes), version, payload length, payload, CRC32C of the
     * payload. Primitive arrays are encoded chunk by chunk as they are written. A payload over
     * 2 GiB does not fit the format's length field and is refused.
     */
    void finish(byte[] magic, int version, OutputStream out) throws IOException {
        flushBuffer();
        if (length > Integer.MAX_VALUE) {
            throw new IOException("payload of " + length + " bytes is over the 2 GiB a file of this format holds");
        }
        CRC32C crc = new CRC32C();
        DataOutputStream data = new DataOutputStream(out);
        data.write(magic);
        data.writeByte(version);
        data.writeInt((int) length);
        byte[] chunk = null;
        for (Object segment : segments) {
            if (segment instanceof byte[] bytes) {
                crc.update(bytes, 0, bytes.length);
                data.write(bytes, 0, bytes.length);
                continue;
            }
            Primitives p = (Primitives) segment;
            if (chunk == null) {
                chunk = new byte[(int) Math.min(CHUNK, length)];
            }
            ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            int perChunk = chunk.length / p.width();
            for (int from = 0; from < p.n(); from += perChunk) {
                int n = Math.min(perChunk, p.n() - from);
                bytes.clear();
                fill(bytes, p.array(), from, n);
                crc.update(chunk, 0, n * p.width());
                data.write(chunk, 0, n * p.width());
            }
        }
        data.writeInt((int) crc.getValue());
        data.flush();
    }
}
