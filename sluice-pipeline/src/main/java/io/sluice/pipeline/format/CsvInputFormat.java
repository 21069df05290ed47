package io.sluice.pipeline.format;

import io.sluice.engine.algebra.Row;
import io.sluice.sql.Column;
import io.sluice.sql.ColumnType;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV ingress: comma-separated, newline-terminated UTF-8 with standard double-quote quoting; columns
 * in declaration order; extra trailing fields ignored, missing ones NULL. Every record is an insert
 * (an upsert on a table with a primary key): CSV cannot delete.
 *
 * <p>A hand-written tokenizer over the body's bytes: a field is a byte range, and BIGINT, INTEGER,
 * SMALLINT, TINYINT, DOUBLE and plain VARCHAR fields become row values straight from it. Every
 * other field, and every record that fails, goes through the text path of {@link ValueConverter},
 * so values and error messages are the same either way.
 *
 * <p>Records end at {@code \n}, {@code \r\n} or a lone {@code \r} outside quotes. Inside quotes a
 * doubled quote is one quote and line ends are part of the field; text after a closing quote is
 * appended to the field. An empty line is skipped (for a one-column table it is a record with one
 * empty field). A quote left open at the end of the body, or bytes that are not UTF-8, end the
 * parse with a "malformed CSV" error; the records before it are kept.
 */
record CsvInputFormat() implements InputFormat {
    @Override
    public ParsedInput parse(InputStream body, Relation table) throws IOException {
        byte[] bytes = body.readAllBytes();
        return parse(bytes, table);
    }

    ParsedInput parse(byte[] bytes, Relation table) {
        List<Column> cols = table.columns();
        int n = cols.size();
        ColumnType.Kind[] kinds = new ColumnType.Kind[n];
        boolean[] nullable = new boolean[n];
        for (int i = 0; i < n; i++) {
            kinds[i] = cols.get(i).type().kind();
            nullable[i] = cols.get(i).nullable();
        }
        List<Change> changes = new ArrayList<>(Math.max(16, bytes.length / 32));
        Errors errors = new Errors();
        Tokenizer t = new Tokenizer(bytes);
        long record = 0;
        while (t.pos < bytes.length) {
            int fields;
            try {
                fields = t.nextRecord();
            } catch (MalformedCsv e) {
                errors.add(ParseError.of(record + 1, null, "malformed CSV: " + e.getMessage(), null));
                break;
            }
            if (fields == 1 && t.isEmpty(0) && n > 1) {
                continue;
            }
            record++;
            Object[] values = new Object[n];
            if (!fastRecord(t, fields, kinds, nullable, values)) {
                String[] text;
                try {
                    text = t.texts(fields);
                } catch (MalformedCsv e) {
                    errors.add(ParseError.of(record, null, "malformed CSV: " + e.getMessage(), null));
                    break;
                }
                parseRecord(text, record, cols, changes, errors);
                continue;
            }
            changes.add(new Change(Row.wrap(values), 1));
        }
        return new ParsedInput(changes, errors.listed, errors.count, bytes.length);
    }

    /** Converts the record's fields straight from bytes; false when any field needs the text path. */
    private static boolean fastRecord(Tokenizer t, int fields, ColumnType.Kind[] kinds, boolean[] nullable, Object[] values) {
        for (int i = 0; i < kinds.length; i++) {
            Object v;
            if (i >= fields) {
                v = null;
            } else if (t.quoted[i] && kinds[i] != ColumnType.Kind.VARCHAR) {
                return false;
            } else {
                int from = t.starts[i];
                int to = t.ends[i];
                switch (kinds[i]) {
                    case BIGINT, INTEGER, SMALLINT, TINYINT -> {
                        if (from == to) {
                            v = null;
                        } else {
                            long x = Numbers.parseLong(t.bytes, from, to);
                            if (x == Numbers.NOT_A_LONG || !Numbers.inRange(x, kinds[i])) {
                                return false;
                            }
                            v = kinds[i] == ColumnType.Kind.BIGINT ? (Object) x : (Object) (int) x;
                        }
                    }
                    case DOUBLE -> {
                        if (from == to) {
                            v = null;
                        } else {
                            double d = Numbers.parseDouble(t.bytes, from, to, t.chars());
                            if (Double.isNaN(d)) {
                                return false;
                            }
                            v = d;
                        }
                    }
                    case VARCHAR -> {
                        if (t.quoted[i]) {
                            v = t.unquote(i);
                            if (v == null) {
                                return false;
                            }
                        } else {
                            v = Numbers.ascii(t.bytes, from, to);
                            if (v == null) {
                                return false;
                            }
                        }
                    }
                    default -> {
                        return false;
                    }
                }
            }
            if (v == null && !nullable[i]) {
                return false;
            }
            values[i] = v;
        }
        return true;
    }

    /** The text path: every field as a String through {@link ValueConverter#fromText}, with its precise errors. */
    private static void parseRecord(String[] fields, long number, List<Column> cols, List<Change> out, Errors errors) {
        Object[] values = new Object[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            String text = i < fields.length ? fields[i] : null;
            try {
                values[i] = ValueConverter.fromText(text, c.type());
            } catch (ValueParseException e) {
                errors.add(ParseError.of(number, c.name(), "column " + c.name() + ": " + e.getMessage(), text));
                return;
            }
            if (values[i] == null && !c.nullable()) {
                errors.add(ParseError.of(number, c.name(), "column " + c.name() + " is NOT NULL but the field is empty",
                        String.join(",", fields)));
                return;
            }
        }
        out.add(new Change(Row.wrap(values), 1));
    }

    /** A quote left open at the end, or bytes that are not UTF-8. */
    private static final class MalformedCsv extends Exception {
        MalformedCsv(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Splits the body into records and fields. After {@link #nextRecord} field {@code i} is the byte
     * range {@code starts[i]..ends[i]}; for a quoted field the range is everything between the first
     * quote and the end of the field, still with its quotes, and {@link #unquote} decodes it.
     */
    private static final class Tokenizer {
        final byte[] bytes;
        int pos;
        int[] starts = new int[16];
        int[] ends = new int[16];
        boolean[] quoted = new boolean[16];
        private char[] chars;

        Tokenizer(byte[] bytes) {
            this.bytes = bytes;
            if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
                pos = 3;
            }
        }

        char[] chars() {
            if (chars == null) {
                chars = new char[Numbers.MAX_DOUBLE_CHARS];
            }
            return chars;
        }

        /** An empty field, or a quoted one with nothing between its quotes. */
        boolean isEmpty(int field) {
            int len = ends[field] - starts[field];
            return quoted[field] ? len == 2 : len == 0;
        }

        /** Reads one record starting at {@link #pos}; returns its number of fields. */
        int nextRecord() throws MalformedCsv {
            byte[] b = bytes;
            int p = pos;
            int field = 0;
            while (true) {
                if (field == starts.length) {
                    grow();
                }
                starts[field] = p;
                if (p < b.length && b[p] == '"') {
                    quoted[field] = true;
                    p = skipQuoted(p + 1);
                    // Text after the closing quote belongs to the field, up to the delimiter.
                    while (p < b.length && b[p] != ',' && b[p] != '\n' && b[p] != '\r') {
                        if (b[p] == '"') {
                            p = skipQuoted(p + 1);
                        } else {
                            p++;
                        }
                    }
                } else {
                    quoted[field] = false;
                    while (p < b.length) {
                        byte c = b[p];
                        if (c == ',' || c == '\n' || c == '\r') {
                            break;
                        }
                        p++;
                    }
                }
                ends[field] = p;
                field++;
                if (p >= b.length) {
                    pos = p;
                    return field;
                }
                byte c = b[p++];
                if (c == ',') {
                    continue;
                }
                if (c == '\r' && p < b.length && b[p] == '\n') {
                    p++;
                }
                pos = p;
                return field;
            }
        }

        /** From just after an opening quote to just after its closing quote. */
        private int skipQuoted(int p) throws MalformedCsv {
            byte[] b = bytes;
            while (true) {
                while (p < b.length && b[p] != '"') {
                    p++;
                }
                if (p >= b.length) {
                    pos = b.length;
                    throw new MalformedCsv("missing closing quote for a quoted value");
                }
                if (p + 1 < b.length && b[p + 1] == '"') {
                    p += 2;
                    continue;
                }
                return p + 1;
            }
        }

        private void grow() {
            int c = starts.length * 2;
            starts = java.util.Arrays.copyOf(starts, c);
            ends = java.util.Arrays.copyOf(ends, c);
            quoted = java.util.Arrays.copyOf(quoted, c);
        }

        /** The decoded text of a quoted field, or null when it is not valid UTF-8. */
        String unquote(int field) {
            int from = starts[field];
            int to = ends[field];
            byte[] out = new byte[to - from];
            int n = 0;
            boolean inQuotes = false;
            for (int p = from; p < to; p++) {
                byte c = bytes[p];
                if (c == '"') {
                    if (inQuotes && p + 1 < to && bytes[p + 1] == '"') {
                        out[n++] = '"';
                        p++;
                    } else {
                        inQuotes = !inQuotes;
                    }
                } else {
                    out[n++] = c;
                }
            }
            return utf8(out, 0, n);
        }

        String[] texts(int fields) throws MalformedCsv {
            String[] out = new String[fields];
            for (int i = 0; i < fields; i++) {
                out[i] = quoted[i] ? unquote(i) : utf8(bytes, starts[i], ends[i] - starts[i]);
                if (out[i] == null) {
                    throw new MalformedCsv("invalid UTF-8 in field " + (i + 1));
                }
            }
            return out;
        }
    }

    /** Strict UTF-8: null for malformed input, where a lenient decode would substitute characters. */
    static String utf8(byte[] b, int off, int len) {
        String ascii = Numbers.ascii(b, off, off + len);
        if (ascii != null) {
            return ascii;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
