package io.sluice.pipeline.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.engine.algebra.ByteString;
import io.sluice.sql.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Converts JSON values and CSV text to the Java value of a column's SQL type, checking range,
 * precision and form. Rows hold Integer for TINYINT/SMALLINT/INTEGER, Long for BIGINT, Double,
 * BigDecimal, String, Boolean and LocalDateTime (TIMESTAMP, UTC); Float for REAL, LocalDate,
 * LocalTime, ByteString for VARBINARY (JSON: an array of bytes; CSV: hex) and a List for ARRAY
 * (JSON only).
 */
final class ValueConverter {
    static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private ValueConverter() {
    }

    static Object fromJson(JsonNode node, ColumnType type) throws ValueParseException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw new ValueParseException("expected a boolean, found " + node.getNodeType());
                }
                yield node.booleanValue();
            }
            case TINYINT, SMALLINT, INTEGER, BIGINT -> {
                if (!node.isIntegralNumber()) {
                    throw new ValueParseException("expected an integer, found " + describe(node));
                }
                yield integer(node.bigIntegerValue().toString(), type);
            }
            case DOUBLE -> {
                if (!node.isNumber()) {
                    throw new ValueParseException("expected a number, found " + describe(node));
                }
                yield node.doubleValue();
            }
            case DECIMAL -> {
                if (node.isNumber()) {
                    yield decimal(node.decimalValue(), type);
                }
                if (node.isTextual()) {
                    yield decimal(node.textValue(), type);
                }
                throw new ValueParseException("expected a decimal number, found " + describe(node));
            }
            case VARCHAR -> {
                if (!node.isTextual()) {
                    throw new ValueParseException("expected a string, found " + describe(node));
                }
                yield node.textValue();
            }
            case TIMESTAMP -> {
                if (!node.isTextual()) {
                    throw new ValueParseException("expected a timestamp string, found " + describe(node));
                }
                yield timestamp(node.textValue());
            }
            case REAL, CHAR, VARBINARY, DATE, TIME, ARRAY, INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH ->
                    moreFromJson(node, type);
        };
    }

    /** The types added after the first set: REAL, CHAR(n), VARBINARY, DATE, TIME and ARRAY. */
    private static Object moreFromJson(JsonNode node, ColumnType type) throws ValueParseException {
        switch (type.kind()) {
            case REAL -> {
                if (!node.isNumber()) {
                    throw new ValueParseException("expected a number, found " + describe(node));
                }
                return node.floatValue();
            }
            case CHAR -> {
                if (!node.isTextual()) {
                    throw new ValueParseException("expected a string, found " + describe(node));
                }
                return fixedChar(node.textValue(), type);
            }
            case VARBINARY -> {
                if (!node.isArray()) {
                    throw new ValueParseException("expected an array of bytes (0-255), found " + describe(node));
                }
                byte[] bytes = new byte[node.size()];
                for (int i = 0; i < bytes.length; i++) {
                    JsonNode b = node.get(i);
                    if (!b.isIntegralNumber() || b.intValue() < 0 || b.intValue() > 255) {
                        throw new ValueParseException("expected a byte (0-255), found " + describe(b));
                    }
                    bytes[i] = (byte) b.intValue();
                }
                return ByteString.of(bytes);
            }
            case DATE, TIME -> {
                if (!node.isTextual()) {
                    throw new ValueParseException("expected a " + type.kind().name().toLowerCase(java.util.Locale.ROOT)
                            + " string, found " + describe(node));
                }
                return moreFromText(node.textValue().strip(), type);
            }
            case ARRAY -> {
                if (!node.isArray()) {
                    throw new ValueParseException("expected an array, found " + describe(node));
                }
                List<Object> out = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    out.add(fromJson(element, type.element()));
                }
                return Collections.unmodifiableList(out);
            }
            default -> throw new ValueParseException("no input form for type " + type);
        }
    }

    private static Object moreFromText(String t, ColumnType type) throws ValueParseException {
        try {
            return switch (type.kind()) {
                case REAL -> Float.parseFloat(t);
                case DATE -> LocalDate.parse(t);
                case TIME -> LocalTime.parse(t);
                case VARBINARY -> ByteString.fromHex(t);
                default -> throw new ValueParseException("type " + type + " has no CSV form; use JSON");
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ValueParseException("expected a " + type + " like " + example(type) + ", found '" + t + "'");
        } catch (IllegalArgumentException e) {
            throw new ValueParseException("expected hex digits for " + type + ", found '" + t + "'");
        }
    }

    private static String example(ColumnType type) {
        return switch (type.kind()) {
            case DATE -> "'2024-01-31'";
            case TIME -> "'12:30:00'";
            default -> "'1.5'";
        };
    }

    /** A CHAR(n) value: blank-padded to n; longer text is refused unless the excess is blanks. */
    private static String fixedChar(String text, ColumnType type) throws ValueParseException {
        int n = type.precision();
        if (n < 0 || text.length() == n) {
            return text;
        }
        if (text.length() < n) {
            return text + " ".repeat(n - text.length());
        }
        if (!text.substring(n).isBlank()) {
            throw new ValueParseException("'" + text + "' is longer than " + type);
        }
        return text.substring(0, n);
    }

    /** CSV text: an empty field is NULL for every type but VARCHAR, where it is the empty string; NULL/null is NULL. */
    static Object fromText(String text, ColumnType type) throws ValueParseException {
        if (text == null) {
            return null;
        }
        if (type.kind() == ColumnType.Kind.VARCHAR) {
            return text;
        }
        if (type.kind() == ColumnType.Kind.CHAR) {
            return fixedChar(text, type);
        }
        String t = text.strip();
        if (t.isEmpty() || t.equals("NULL") || t.equals("null")) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN -> switch (t.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "t", "1" -> Boolean.TRUE;
                case "false", "f", "0" -> Boolean.FALSE;
                default -> throw new ValueParseException("expected a boolean, found '" + t + "'");
            };
            case TINYINT, SMALLINT, INTEGER, BIGINT -> integer(t, type);
            case DOUBLE -> {
                try {
                    yield Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new ValueParseException("expected a number, found '" + t + "'");
                }
            }
            case DECIMAL -> decimal(t, type);
            case TIMESTAMP -> timestamp(t);
            case VARCHAR, CHAR -> t;
            case REAL, VARBINARY, DATE, TIME, ARRAY, INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH -> moreFromText(t, type);
        };
    }

    private static Object integer(String digits, ColumnType type) throws ValueParseException {
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new ValueParseException("expected an integer of type " + type.kind() + ", found '" + digits + "'");
        }
        long min;
        long max;
        switch (type.kind()) {
            case TINYINT -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case SMALLINT -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case INTEGER -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            default -> { return value; }
        }
        if (value < min || value > max) {
            throw new ValueParseException(value + " is out of range for " + type.kind());
        }
        return (int) value;
    }

    static BigDecimal decimal(String text, ColumnType type) throws ValueParseException {
        try {
            return decimal(new BigDecimal(text.strip()), type);
        } catch (NumberFormatException e) {
            throw new ValueParseException("expected a decimal number, found '" + text + "'");
        }
    }

    static BigDecimal decimal(BigDecimal value, ColumnType type) throws ValueParseException {
        BigDecimal scaled = value.setScale(type.scale(), RoundingMode.HALF_UP);
        if (scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
            throw new ValueParseException(value.toPlainString() + " does not fit DECIMAL(" + type.precision() + ", "
                    + type.scale() + ")");
        }
        return scaled;
    }

    /** {@code YYYY-MM-DD HH:MM:SS[.fff]}, {@code YYYY-MM-DDTHH:MM:SS[.fff]}, RFC 3339 with an offset (converted to UTC), or a date alone. */
    static LocalDateTime timestamp(String text) throws ValueParseException {
        String t = text.strip();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay();
            }
            String normalized = t.replace('T', ' ');
            if (normalized.endsWith("Z") || normalized.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(t.replace(' ', 'T')).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            }
            return LocalDateTime.parse(normalized, TIMESTAMP);
        } catch (DateTimeParseException e) {
            throw new ValueParseException("expected a timestamp like '2024-01-31 12:00:00', found '" + t + "'");
        }
    }

    private static String describe(JsonNode node) {
        String s = node.toString();
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + (s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }
}
