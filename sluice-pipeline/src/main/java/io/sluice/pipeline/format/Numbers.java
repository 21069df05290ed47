package io.sluice.pipeline.format;

import com.fasterxml.jackson.core.io.NumberInput;
import io.sluice.sql.ColumnType;
import java.nio.charset.StandardCharsets;

/**
 * Number and text conversions straight from body bytes, for the common plain forms only. Each
 * answers "not handled" for anything else ({@link #NOT_A_LONG}, NaN, null), and the caller then
 * takes the String path of {@link ValueConverter}, so the result never differs from that path's.
 */
final class Numbers {
    /** The answer of {@link #parseLong} for text it does not handle; no handled text has this value. */
    static final long NOT_A_LONG = Long.MIN_VALUE;
    /** Longer double texts take the String path. */
    static final int MAX_DOUBLE_CHARS = 64;

    private Numbers() {
    }

    /**
     * {@code [+-]?[0-9]{1,19}} as a long, the value {@link Long#parseLong} gives, else
     * {@link #NOT_A_LONG}: for other text, for values out of range, and for {@code Long.MIN_VALUE}
     * itself, which the caller then parses as text.
     */
    static long parseLong(byte[] b, int from, int to) {
        int p = from;
        boolean negative = false;
        if (p < to && (b[p] == '-' || b[p] == '+')) {
            negative = b[p] == '-';
            p++;
        }
        int digits = to - p;
        if (digits < 1 || digits > 19) {
            return NOT_A_LONG;
        }
        // Accumulated as a negative number, as Long.parseLong does, so the range check is exact.
        long x = 0;
        for (; p < to; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return NOT_A_LONG;
            }
            if (x < (Long.MIN_VALUE + d) / 10) {
                return NOT_A_LONG;
            }
            x = x * 10 - d;
        }
        if (negative) {
            return x;
        }
        return x == Long.MIN_VALUE ? NOT_A_LONG : -x;
    }

    static boolean inRange(long x, ColumnType.Kind kind) {
        return switch (kind) {
            case TINYINT -> x >= Byte.MIN_VALUE && x <= Byte.MAX_VALUE;
            case SMALLINT -> x >= Short.MIN_VALUE && x <= Short.MAX_VALUE;
            case INTEGER -> x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE;
            default -> true;
        };
    }

    /**
     * {@code [+-]?digits[.digits]([eE][+-]?digits)?} (or {@code .digits}) as the correctly rounded
     * double, the value {@link Double#parseDouble} gives; NaN for any other text.
     */
    static double parseDouble(byte[] b, int from, int to, char[] buf) {
        int len = to - from;
        if (len > buf.length || len == 0) {
            return Double.NaN;
        }
        int p = from;
        if (b[p] == '-' || b[p] == '+') {
            p++;
        }
        int mantissa = 0;
        while (p < to && isDigit(b[p])) {
            p++;
            mantissa++;
        }
        if (p < to && b[p] == '.') {
            p++;
            while (p < to && isDigit(b[p])) {
                p++;
                mantissa++;
            }
        }
        if (mantissa == 0) {
            return Double.NaN;
        }
        if (p < to && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < to && (b[p] == '-' || b[p] == '+')) {
                p++;
            }
            int exponent = 0;
            while (p < to && isDigit(b[p])) {
                p++;
                exponent++;
            }
            if (exponent == 0) {
                return Double.NaN;
            }
        }
        if (p != to) {
            return Double.NaN;
        }
        for (int i = 0; i < len; i++) {
            buf[i] = (char) b[from + i];
        }
        return NumberInput.parseDouble(buf, 0, len, true);
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** The bytes as a String when they are all ASCII, else null. */
    static String ascii(byte[] b, int from, int to) {
        for (int p = from; p < to; p++) {
            if (b[p] < 0) {
                return null;
            }
        }
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
