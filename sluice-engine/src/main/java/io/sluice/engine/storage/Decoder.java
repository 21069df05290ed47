package io.sluice.engine.storage;

import io.sluice.engine.algebra.Row;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Reads what {@link Encoder} wrote; every malformed input is an {@link IOException} that says what is wrong. */
final class Decoder {
    private final String what;
    private final byte[] payload;
    private int pos;

    private Decoder(String what, byte[] payload) {
        this.what = what;
        this.payload = payload;
    }

    /** Reads and checks the frame (magic, version, length, CRC32C) and returns a decoder over its payload. */
    static Decoder open(String what, byte[] magic, int version, InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] actualMagic = new byte[magic.length];
            data.readFully(actualMagic);
            if (!Arrays.equals(actualMagic, magic)) {
                throw new IOException(what + ": bad magic header " + Arrays.toString(actualMagic));
            }
            int actualVersion = data.readUnsignedByte();
            if (actualVersion != version) {
                throw new IOException(what + ": unsupported format version " + actualVersion + " (expected " + version + ")");
            }
            int length = data.readInt();
            if (length < 0) {
                throw new IOException(what + ": negative payload length " + length);
            }
            byte[] payload = data.readNBytes(length);
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
            return new Decoder(what, payload);
        } catch (EOFException e) {
            throw new EOFException(what + ": truncated file: " + e.getMessage());
        }
    }

    boolean atEnd() {
        return pos == payload.length;
    }

    /** An IOException for a payload that passed its CRC but does not parse. */
    IOException malformed(String problem) {
        return new IOException(what + ": malformed payload at byte " + pos + ": " + problem);
    }

    int remaining() {
        return payload.length - pos;
    }

    private int readByte() throws IOException {
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
    int readLength(int max) throws IOException {
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

    Row readRow() throws IOException {
        int arity = readLength(remaining());
        Object[] values = new Object[arity];
        for (int i = 0; i < arity; i++) {
            values[i] = readValue();
        }
        return Row.wrap(values);
    }

    private Object readValue() throws IOException {
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
