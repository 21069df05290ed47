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

    private static final int CHUNK = 1 << 16;

    private final Buffer buffer;

    Encoder() {
        this(256);
    }

    /** An encoder whose buffer starts at {@code expectedBytes}, so a large payload is not copied as it grows. */
    Encoder(int expectedBytes) {
        buffer = new Buffer(Math.max(expectedBytes, 32));
    }

    /** A byte buffer whose contents {@link #finish} reads in place instead of copying them out. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    @Override
    public void writeByte(int b) {
        buffer.write(b);
    }

    @Override
    public void writeLongs(long[] values, int n) {
        byte[] chunk = new byte[Math.min(n, CHUNK / 8) * 8];
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < n; from += CHUNK / 8) {
            int len = Math.min(CHUNK / 8, n - from);
            bytes.clear();
            bytes.asLongBuffer().put(values, from, len);
            buffer.write(chunk, 0, len * 8);
        }
    }

    @Override
    public void writeInts(int[] values, int n) {
        byte[] chunk = new byte[Math.min(n, CHUNK / 4) * 4];
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < n; from += CHUNK / 4) {
            int len = Math.min(CHUNK / 4, n - from);
            bytes.clear();
            bytes.asIntBuffer().put(values, from, len);
            buffer.write(chunk, 0, len * 4);
        }
    }

    @Override
    public void writeDoubles(double[] values, int n) {
        byte[] chunk = new byte[Math.min(n, CHUNK / 8) * 8];
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < n; from += CHUNK / 8) {
            int len = Math.min(CHUNK / 8, n - from);
            bytes.clear();
            bytes.asDoubleBuffer().put(values, from, len);
            buffer.write(chunk, 0, len * 8);
        }
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

    /** Writes the framed file: magic (4 bytes), version, payload length, payload, CRC32C of the payload. */
    void finish(byte[] magic, int version, OutputStream out) throws IOException {
        byte[] payload = buffer.array();
        int length = buffer.size();
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, length);
        DataOutputStream data = new DataOutputStream(out);
        data.write(magic);
        data.writeByte(version);
        data.writeInt(length);
        data.write(payload, 0, length);
        data.writeInt((int) crc.getValue());
        data.flush();
    }
}
