package io.sluice.engine.algebra;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: the value of a SQL {@code VARBINARY} (or {@code BINARY}). It orders
 * bytes as unsigned, lexicographically, with a shorter prefix first, and prints as hex.
 */
public final class ByteString implements Comparable<ByteString> {
    private final byte[] bytes;

    private ByteString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A byte string holding a copy of {@code bytes}. */
    public static ByteString of(byte[] bytes) {
        return new ByteString(requireNonNull(bytes, "bytes is null").clone());
    }

    /** Parses hex digits (upper or lower case, an even number of them). */
    public static ByteString fromHex(String hex) {
        return new ByteString(HexFormat.of().parseHex(hex));
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public int byteAt(int index) {
        return bytes[index] & 0xFF;
    }

    public ByteString concat(ByteString other) {
        byte[] out = Arrays.copyOf(bytes, bytes.length + other.bytes.length);
        System.arraycopy(other.bytes, 0, out, bytes.length, other.bytes.length);
        return new ByteString(out);
    }

    /** The bytes from {@code start} (0-based, inclusive) to {@code end} (exclusive). */
    public ByteString substring(int start, int end) {
        return new ByteString(Arrays.copyOfRange(bytes, start, end));
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public int compareTo(ByteString other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteString other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
