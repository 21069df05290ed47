package io.sluice.engine.storage;

import io.sluice.engine.algebra.ColumnarEncoding;
import io.sluice.engine.algebra.Row;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Reads what {@link Encoder} wrote; every malformed input is an {@link IOException} that says what is wrong. */
final class Decoder implements ColumnarEncoding.Source {
    private final String what;
    private final byte[] payload;
    private final int version;
    private int pos;

    private Decoder(String what, byte[] payload, int version) {
        this.what = what;
        this.payload = payload;
        this.version = version;
    }

    /** Reads and checks the frame (magic, version, length, CRC32C) and returns a decoder over its payload. */
    static Decoder open(String what, byte[] magic, int version, InputStream in) throws IOException {
        return open(what, magic, version, version, in);
    }

    /** Like {@link #open(String, byte[], int, InputStream)}, accepting format versions {@code minVersion..maxVersion}. */
    static Decoder open(String what, byte[] magic, int minVersion, int maxVersion, InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] actualMagic = new byte[magic.length];
            data.readFully(actualMagic);
            if (!Arrays.equals(actualMagic, magic)) {
                throw new IOException(what + ": bad magic header " + Arrays.toString(actualMagic));
            }
            int actualVersion = data.readUnsignedByte();
            if (actualVersion < minVersion || actualVersion > maxVersion) {
                throw new IOException(what + ": unsupported format version " + actualVersion + " (expected "
                        + (minVersion == maxVersion ? String.valueOf(minVersion) : minVersion + " to " + maxVersion) + ")");
            }
            int length = data.readInt();
            if (length < 0) {
                throw new IOException(what + ": negative payload length " + length);
            }
            byte[] payload = readPayload(data, length);
            if (payload.length != length) {
                throw new EOFException(what + ": truncated payload, " + payload.length + " of " + length + " bytes");
            }
            int expected = data.readInt();
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if ((int) crc.getValue() != expected) {
                throw new IOException(what + ": CRC32C mismatch, stored " + Integer.toHexString(expected) + ", computed "
                        + Integer.toHexString((int) crc.getValue()) + " (corrupt data)");
            }
            return new Decoder(what, payload, actualVersion);
        } catch (EOFException e) {
            throw new EOFException(what + ": truncated file: " + e.getMessage());
        }
    }

    /** Payloads up to this size are read straight into one array of the stated length. */
    private static final int DIRECT_READ_LIMIT = 256 << 20;

    /**
     * The payload's bytes, or fewer when the stream ends early. Up to {@link #DIRECT_READ_LIMIT}
     * the array is allocated at the stated length and filled by large reads (one copy); beyond
     * it, a length that a corrupt header could state is not trusted with one allocation.
     */
    private static byte[] readPayload(DataInputStream data, int length) throws IOException {
        if (length > DIRECT_READ_LIMIT) {
            return data.readNBytes(length);
        }
        byte[] payload = new byte[length];
        int n = 0;
        while (n < length) {
            // At most 1 MiB per read: a channel-backed stream copies each read through a temporary
            // direct buffer as large as the request.
            int r = data.read(payload, n, Math.min(length - n, 1 << 20));
            if (r < 0) {
                return Arrays.copyOf(payload, n);
            }
            n += r;
        }
        return payload;
    }

    /** The format version of the file, within the range {@link #open} accepted. */
    int version() {
        return version;
    }

    boolean atEnd() {
        return pos == payload.length;
    }

    /** An IOException for a payload that passed its CRC but does not parse. */
    @Override
    public IOException malformed(String problem) {
        return new IOException(what + ": malformed payload at byte " + pos + ": " + problem);
    }

    @Override
    public int remaining() {
        return payload.length - pos;
    }

    @Override
    public int readByte() throws IOException {
        if (pos >= payload.length) {
            throw malformed("unexpected end");
        }
        return payload[pos++] & 0xff;
    }

    long readVarLong() throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    long readSignedVarLong() throws IOException {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    /** A non-negative varint that fits an int and is at most {@code max}. */
    @Override
    public int readLength(int max) throws IOException {
        long v = readVarLong();
        if (v < 0 || v > max) {
            throw malformed("length " + v + " out of range 0.." + max);
        }
        return (int) v;
    }

    byte[] readBytes() throws IOException {
        int n = readLength(remaining());
        byte[] bytes = Arrays.copyOfRange(payload, pos, pos + n);
        pos += n;
        return bytes;
    }

    String readString() throws IOException {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public Row readRow() throws IOException {
        int arity = readLength(remaining());
        Object[] values = new Object[arity];
        for (int i = 0; i < arity; i++) {
            values[i] = readValue();
        }
        return Row.wrap(values);
    }

    @Override
    public long[] readLongs(int n) throws IOException {
        ByteBuffer bytes = bulk(n, 8);
        long[] values = new long[n];
        bytes.asLongBuffer().get(values);
        return values;
    }

    @Override
    public int[] readInts(int n) throws IOException {
        ByteBuffer bytes = bulk(n, 4);
        int[] values = new int[n];
        bytes.asIntBuffer().get(values);
        return values;
    }

    @Override
    public double[] readDoubles(int n) throws IOException {
        ByteBuffer bytes = bulk(n, 8);
        double[] values = new double[n];
        bytes.asDoubleBuffer().get(values);
        return values;
    }

    /** The next {@code n * width} bytes as a little-endian buffer; moves past them. */
    private ByteBuffer bulk(int n, int width) throws IOException {
        if (n < 0 || (long) n * width > remaining()) {
            throw malformed(n + " values of " + width + " bytes do not fit the " + remaining() + " bytes left");
        }
        ByteBuffer bytes = ByteBuffer.wrap(payload, pos, n * width).slice().order(ByteOrder.LITTLE_ENDIAN);
        pos += n * width;
        return bytes;
    }

    @Override
    public Object readValue() throws IOException {
        int tag = readByte();
        return switch (tag) {
            case Encoder.TAG_NULL -> null;
            case Encoder.TAG_BOOLEAN -> readByte() != 0;
            case Encoder.TAG_INT -> {
                long v = readSignedVarLong();
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw malformed("int value out of range: " + v);
                }
                yield (int) v;
            }
            case Encoder.TAG_LONG -> readSignedVarLong();
            case Encoder.TAG_DOUBLE -> {
                long bits = 0;
                for (int i = 0; i < 8; i++) {
                    bits = (bits << 8) | readByte();
                }
                yield Double.longBitsToDouble(bits);
            }
            case Encoder.TAG_DECIMAL -> {
                long scale = readSignedVarLong();
                if (scale < Integer.MIN_VALUE || scale > Integer.MAX_VALUE) {
                    throw malformed("decimal scale out of range: " + scale);
                }
                byte[] unscaled = readBytes();
                if (unscaled.length == 0) {
                    throw malformed("decimal without digits");
                }
                yield new BigDecimal(new BigInteger(unscaled), (int) scale);
            }
            case Encoder.TAG_STRING -> readString();
            case Encoder.TAG_TIMESTAMP -> {
                long seconds = readSignedVarLong();
                long nanos = readVarLong();
                if (nanos < 0 || nanos > 999_999_999) {
                    throw malformed("timestamp nanos out of range: " + nanos);
                }
                try {
                    yield LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
                } catch (java.time.DateTimeException e) {
                    throw malformed("timestamp out of range: " + seconds);
                }
            }
            case Encoder.TAG_REAL -> {
                int bits = 0;
                for (int i = 0; i < 4; i++) {
                    bits = (bits << 8) | readByte();
                }
                yield Float.intBitsToFloat(bits);
            }
            case Encoder.TAG_DATE -> {
                try {
                    yield java.time.LocalDate.ofEpochDay(readSignedVarLong());
                } catch (java.time.DateTimeException e) {
                    throw malformed("date out of range");
                }
            }
            case Encoder.TAG_TIME -> {
                long nanos = readVarLong();
                if (nanos < 0 || nanos >= 86_400_000_000_000L) {
                    throw malformed("time of day out of range: " + nanos);
                }
                yield java.time.LocalTime.ofNanoOfDay(nanos);
            }
            case Encoder.TAG_BINARY -> io.sluice.engine.algebra.ByteString.of(readBytes());
            case Encoder.TAG_ARRAY -> {
                long size = readVarLong();
                if (size < 0 || size > Integer.MAX_VALUE) {
                    throw malformed("array size out of range: " + size);
                }
                java.util.List<Object> list = new java.util.ArrayList<>((int) Math.min(size, 1024));
                for (long i = 0; i < size; i++) {
                    list.add(readValue());
                }
                yield java.util.Collections.unmodifiableList(list);
            }
            default -> throw malformed("unknown value tag " + tag);
        };
    }
}
