package io.sluice.pipeline.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.engine.algebra.Row;
import io.sluice.sql.Column;
import io.sluice.sql.ColumnType;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON ingress: a stream of JSON values separated by white space or newlines. With
 * {@code update_format=insert_delete} each value is {@code {"insert": row}} or {@code {"delete": row}}
 * (both in one object: the delete applies first); with {@code raw} each value is a row to insert;
 * with {@code debezium} each value is {@code {"payload": {"op": ..., "before": row|null, "after": row|null}}}
 * and {@code before} is deleted, then {@code after} inserted.
 * With {@code array=true} each value is an array of such events. A row is an object keyed by column
 * name; a missing key is NULL. Deleting from a table with a primary key needs only the key columns.
 *
 * <p>A bad event is reported with its 1-based number and skipped. With {@code lines=multiple} (the
 * default) malformed JSON ends the parse at that point, since the rest of the stream cannot be
 * framed. With {@code lines=single} (NDJSON) no value spans a line break: each line is parsed on its
 * own, blank lines are skipped, and a malformed line counts as one bad event, after which parsing
 * goes on with the next line. When {@code array=true} and an array turns out malformed, none of its
 * events are kept.
 *
 * <p>The parse streams: Jackson's {@link JsonParser} tokens become row values directly, with no
 * tree. An event the streaming path does not accept as it is (any error, an unknown key, a
 * duplicate key, a number too large for a long) is parsed again from its bytes as a tree by the
 * original path, which decides what it means and words its error, so both paths agree.
 */
record JsonInputFormat(UpdateFormat updateFormat, boolean array, boolean singleLine) implements InputFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build());

    enum UpdateFormat {
        INSERT_DELETE, RAW, DEBEZIUM
    }

    @Override
    public ParsedInput parse(InputStream body, Relation table) throws IOException {
        return parse(body.readAllBytes(), table);
    }

    ParsedInput parse(byte[] bytes, Relation table) throws IOException {
        Parse parse = new Parse(bytes, table);
        if (singleLine) {
            parse.lines();
        } else {
            try (JsonParser parser = MAPPER.createParser(bytes)) {
                parse.values(parser, 0, false);
            }
        }
        return new ParsedInput(parse.changes, parse.errors.listed, parse.errors.count, bytes.length);
    }

    /** Thrown by the streaming path for an event it leaves to the tree path; carries no stack trace. */
    private static final class Fallback extends Exception {
        static final Fallback INSTANCE = new Fallback();

        private Fallback() {
            super(null, null, false, false);
        }
    }

    /** The state of one body's parse. */
    private final class Parse {
        final byte[] bytes;
        final Relation table;
        final List<Column> cols;
        final ColumnType[] types;
        final boolean[] nullable;
        final boolean[] isKey;
        final boolean keyed;
        final Map<String, Integer> columns;
        final List<Change> changes;
        final Errors errors = new Errors();
        long event;

        Parse(byte[] bytes, Relation table) {
            this.bytes = bytes;
            this.table = table;
            this.cols = table.columns();
            int n = cols.size();
            types = new ColumnType[n];
            nullable = new boolean[n];
            isKey = new boolean[n];
            for (int i = 0; i < n; i++) {
                types[i] = cols.get(i).type();
                nullable[i] = cols.get(i).nullable();
                isKey[i] = table.primaryKey().contains(i);
            }
            keyed = !table.primaryKey().isEmpty();
            columns = InputFormat.columnIndex(table);
            changes = new ArrayList<>(Math.max(16, bytes.length / 64));
        }

        /** {@code lines=single}: each non-blank line is a stream of its own. */
        void lines() throws IOException {
            int p = 0;
            while (p < bytes.length) {
                int end = p;
                boolean blank = true;
                while (end < bytes.length && bytes[end] != '\n') {
                    byte c = bytes[end++];
                    if (c != ' ' && c != '\t' && c != '\r') {
                        blank = false;
                    }
                }
                if (!blank) {
                    try (JsonParser parser = MAPPER.createParser(bytes, p, end - p)) {
                        values(parser, p, true);
                    }
                }
                p = end + 1;
            }
        }

        /**
         * Parses the values of {@code parser}, whose byte offsets count from {@code base}. Malformed
         * JSON is one error; with {@code oneLine} it counts as an event, else it ends the parse.
         */
        void values(JsonParser parser, int base, boolean oneLine) throws IOException {
            while (true) {
                int changeMark = changes.size();
                long errorMark = errors.count;
                int listedMark = errors.listed.size();
                long eventMark = event;
                try {
                    JsonToken token = parser.nextToken();
                    if (token == null) {
                        return;
                    }
                    value(parser, token, base);
                } catch (JsonParseException e) {
                    changes.subList(changeMark, changes.size()).clear();
                    errors.listed.subList(listedMark, errors.listed.size()).clear();
                    errors.count = errorMark;
                    event = eventMark;
                    errors.add(ParseError.of(event + 1, null, "malformed JSON: " + e.getOriginalMessage(), null));
                    if (oneLine) {
                        event++;
                    }
                    return;
                }
            }
        }

        /** One top-level value: an event, or with {@code array=true} an array of events. */
        private void value(JsonParser parser, JsonToken token, int base) throws IOException {
            if (!array) {
                event(parser, token, ++event, base);
                return;
            }
            if (token != JsonToken.START_ARRAY) {
                JsonNode value = MAPPER.readTree(parser);
                errors.add(ParseError.of(++event, null, "expected an array of events (array=true)", value.toString()));
                return;
            }
            JsonToken t;
            while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                event(parser, t, ++event, base);
            }
        }

        /** One event: the streaming path, or, when it declines, the tree path over the event's bytes. */
        private void event(JsonParser parser, JsonToken token, long number, int base) throws IOException {
            if (token != JsonToken.START_OBJECT) {
                parseEvent(MAPPER.readTree(parser), number, table, columns, changes, errors);
                return;
            }
            int start = base + (int) parser.currentTokenLocation().getByteOffset();
            JsonStreamContext outside = parser.getParsingContext().getParent();
            int mark = changes.size();
            try {
                fastEvent(parser);
                return;
            } catch (Fallback f) {
                changes.subList(mark, changes.size()).clear();
            }
            while (parser.getParsingContext() != outside) {
                if (parser.nextToken() == null) {
                    throw new JsonParseException(parser, "unexpected end of input in an event");
                }
            }
            int end = base + (int) parser.currentTokenLocation().getByteOffset() + 1;
            parseEvent(MAPPER.readTree(bytes, start, end - start), number, table, columns, changes, errors);
        }

        /** The streaming path, from just after the event's {@code {} to its {@code }}. */
        private void fastEvent(JsonParser p) throws IOException, Fallback {
            switch (updateFormat) {
                case RAW -> changes.add(new Change(Row.wrap(row(p, false)), 1));
                case INSERT_DELETE -> {
                    Object[] delete = null;
                    Object[] insert = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        JsonToken t = p.nextToken();
                        if (t != JsonToken.START_OBJECT) {
                            throw Fallback.INSTANCE;
                        }
                        if (name.equals("insert") && insert == null) {
                            insert = row(p, false);
                        } else if (name.equals("delete") && delete == null) {
                            delete = row(p, keyed);
                        } else {
                            throw Fallback.INSTANCE;
                        }
                    }
                    pair(delete, insert);
                }
                case DEBEZIUM -> {
                    boolean payload = false;
                    Object[] before = null;
                    Object[] after = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        boolean isPayload = p.currentName().equals("payload");
                        JsonToken t = p.nextToken();
                        if (!isPayload) {
                            p.skipChildren();
                            continue;
                        }
                        if (payload || t != JsonToken.START_OBJECT) {
                            throw Fallback.INSTANCE;
                        }
                        payload = true;
                        boolean sawBefore = false;
                        boolean sawAfter = false;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            t = p.nextToken();
                            boolean isBefore = name.equals("before");
                            if (!isBefore && !name.equals("after")) {
                                p.skipChildren();
                                continue;
                            }
                            if ((isBefore ? sawBefore : sawAfter) || (t != JsonToken.START_OBJECT && t != JsonToken.VALUE_NULL)) {
                                throw Fallback.INSTANCE;
                            }
                            Object[] row = t == JsonToken.VALUE_NULL ? null : row(p, isBefore && keyed);
                            if (isBefore) {
                                sawBefore = true;
                                before = row;
                            } else {
                                sawAfter = true;
                                after = row;
                            }
                        }
                    }
                    if (!payload) {
                        throw Fallback.INSTANCE;
                    }
                    pair(before, after);
                }
            }
        }

        private void pair(Object[] delete, Object[] insert) throws Fallback {
            if (delete == null && insert == null) {
                throw Fallback.INSTANCE;
            }
            if (delete != null) {
                changes.add(new Change(Row.wrap(delete), -1));
            }
            if (insert != null) {
                changes.add(new Change(Row.wrap(insert), 1));
            }
        }

        /** A row object, from just after its {@code {}; with {@code keyOnly} only key columns must be non-NULL. */
        private Object[] row(JsonParser p, boolean keyOnly) throws IOException, Fallback {
            Object[] values = new Object[types.length];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                int i = InputFormat.columnOf(columns, p.currentName());
                if (i < 0) {
                    throw Fallback.INSTANCE;
                }
                values[i] = value(p, p.nextToken(), types[i]);
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null && !nullable[i] && (!keyOnly || isKey[i])) {
                    throw Fallback.INSTANCE;
                }
            }
            return values;
        }

        /** The value of the current token as {@link ValueConverter#fromJson} would make it from the tree. */
        private Object value(JsonParser p, JsonToken t, ColumnType type) throws IOException, Fallback {
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            try {
                switch (type.kind()) {
                    case BIGINT, INTEGER, SMALLINT, TINYINT -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || !fitsLong(p)) {
                            break;
                        }
                        long x = p.getLongValue();
                        if (!Numbers.inRange(x, type.kind())) {
                            break;
                        }
                        return type.kind() == ColumnType.Kind.BIGINT ? (Object) x : (Object) (int) x;
                    }
                    case DOUBLE -> {
                        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                            return p.getDoubleValue();
                        }
                        if (t == JsonToken.VALUE_NUMBER_INT && fitsLong(p)) {
                            return (double) p.getLongValue();
                        }
                    }
                    case VARCHAR -> {
                        if (t == JsonToken.VALUE_STRING) {
                            return p.getText();
                        }
                    }
                    case BOOLEAN -> {
                        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                            return t == JsonToken.VALUE_TRUE;
                        }
                    }
                    case DECIMAL -> {
                        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                            return ValueConverter.decimal(BigDecimal.valueOf(p.getDoubleValue()), type);
                        }
                        if (t == JsonToken.VALUE_NUMBER_INT && fitsLong(p)) {
                            return ValueConverter.decimal(BigDecimal.valueOf(p.getLongValue()), type);
                        }
                        if (t == JsonToken.VALUE_STRING) {
                            return ValueConverter.decimal(p.getText(), type);
                        }
                    }
                    case TIMESTAMP -> {
                        if (t == JsonToken.VALUE_STRING) {
                            return ValueConverter.timestamp(p.getText());
                        }
                    }
                }
            } catch (ValueParseException e) {
                throw Fallback.INSTANCE;
            }
            throw Fallback.INSTANCE;
        }
    }

    private static boolean fitsLong(JsonParser p) throws IOException {
        JsonParser.NumberType n = p.getNumberType();
        return n == JsonParser.NumberType.INT || n == JsonParser.NumberType.LONG;
    }

    private void parseEvent(JsonNode event, long number, Relation table, Map<String, Integer> columns,
            List<Change> out, Errors errors) {
        if (updateFormat == UpdateFormat.RAW) {
            parseRow(event, number, table, columns, false).ifPresent(r -> out.add(new Change(r, 1)), errors);
            return;
        }
        if (!event.isObject()) {
            errors.add(ParseError.of(number, null, "expected an object with 'insert' or 'delete'", event.toString()));
            return;
        }
        if (updateFormat == UpdateFormat.DEBEZIUM) {
            parseDebezium(event, number, table, columns, out, errors);
            return;
        }
        JsonNode delete = event.get("delete");
        JsonNode insert = event.get("insert");
        JsonNode update = event.get("update");
        for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("delete") && !field.equals("insert") && !field.equals("update")) {
                errors.add(ParseError.of(number, null, "unknown operation '" + field
                        + "'; expected 'insert', 'delete' or 'update'", event.toString()));
                return;
            }
        }
        if (update != null) {
            if (delete != null || insert != null) {
                errors.add(ParseError.of(number, null, "'update' cannot be combined with 'insert' or 'delete' in one event",
                        event.toString()));
                return;
            }
            parseUpdate(update, number, table, columns, out, errors);
            return;
        }
        if (delete == null && insert == null) {
            errors.add(ParseError.of(number, null, "expected an object with 'insert' or 'delete'", event.toString()));
            return;
        }
        applyPair(delete, insert, number, table, columns, out, errors);
    }

    /** A Debezium change event: its {@code before} row is deleted and its {@code after} row inserted. */
    private static void parseDebezium(JsonNode event, long number, Relation table, Map<String, Integer> columns,
            List<Change> out, Errors errors) {
        JsonNode payload = event.get("payload");
        if (payload == null || !payload.isObject()) {
            errors.add(ParseError.of(number, null, "expected a Debezium event {\"payload\": {\"before\", \"after\"}}",
                    event.toString()));
            return;
        }
        JsonNode before = payload.get("before");
        JsonNode after = payload.get("after");
        applyPair(before == null || before.isNull() ? null : before, after == null || after.isNull() ? null : after,
                number, table, columns, out, errors);
    }

    /** Applies a delete (first) and an insert, either may be null; one bad row rejects the whole event. */
    private static void applyPair(JsonNode delete, JsonNode insert, long number, Relation table,
            Map<String, Integer> columns, List<Change> out, Errors errors) {
        if (delete == null && insert == null) {
            errors.add(ParseError.of(number, null, "the event neither deletes nor inserts a row", null));
            return;
        }
        boolean keyedDelete = !table.primaryKey().isEmpty();
        RowResult deleted = delete == null ? null : parseRow(delete, number, table, columns, keyedDelete);
        RowResult inserted = insert == null ? null : parseRow(insert, number, table, columns, false);
        if ((deleted != null && deleted.error != null) || (inserted != null && inserted.error != null)) {
            errors.add(deleted != null && deleted.error != null ? deleted.error : inserted.error);
            return;
        }
        if (deleted != null) {
            out.add(new Change(deleted.row, -1));
        }
        if (inserted != null) {
            out.add(new Change(inserted.row, 1));
        }
    }

    /**
     * {@code {"update": {...}}}: the columns present in the object are set, the others keep their
     * values. Needs a primary key, and every key column in the object.
     */
    private static void parseUpdate(JsonNode update, long number, Relation table, Map<String, Integer> columns,
            List<Change> out, Errors errors) {
        if (table.primaryKey().isEmpty()) {
            errors.add(ParseError.of(number, null, "'update' needs a table with a primary key; table " + table.name()
                    + " has none", update.toString()));
            return;
        }
        RowResult parsed = parseRow(update, number, table, columns, true);
        if (parsed.error != null) {
            errors.add(parsed.error);
            return;
        }
        for (int k : table.primaryKey()) {
            if (!parsed.present[k]) {
                errors.add(ParseError.of(number, table.columns().get(k).name(), "'update' needs every primary key column; "
                        + table.columns().get(k).name() + " is missing", update.toString()));
                return;
            }
        }
        long[] updated = new long[(parsed.present.length + 63) >>> 6];
        for (int i = 0; i < parsed.present.length; i++) {
            if (parsed.present[i]) {
                if (parsed.row.get(i) == null && !table.columns().get(i).nullable()) {
                    errors.add(ParseError.of(number, table.columns().get(i).name(), "column "
                            + table.columns().get(i).name() + " is NOT NULL but is NULL", update.toString()));
                    return;
                }
                updated[i >>> 6] |= 1L << i;
            }
        }
        out.add(Change.update(parsed.row, updated));
    }

    /** A parsed row (with the columns the object gave), or the error that stopped it. */
    private record RowResult(Row row, boolean[] present, ParseError error) {
        RowResult(Row row, ParseError error) {
            this(row, null, error);
        }

        void ifPresent(java.util.function.Consumer<Row> onRow, Errors errors) {
            if (error != null) {
                errors.add(error);
            } else {
                onRow.accept(row);
            }
        }
    }

    private static RowResult parseRow(JsonNode node, long number, Relation table, Map<String, Integer> columns,
            boolean keyOnly) {
        if (!node.isObject()) {
            return new RowResult(null, ParseError.of(number, null, "expected a row object", node.toString()));
        }
        List<Column> cols = table.columns();
        Object[] values = new Object[cols.size()];
        boolean[] present = new boolean[cols.size()];
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            int i = InputFormat.columnOf(columns, field.getKey());
            if (i < 0) {
                return new RowResult(null, ParseError.of(number, field.getKey(),
                        "table " + table.name() + " has no column '" + field.getKey() + "'", node.toString()));
            }
            try {
                values[i] = ValueConverter.fromJson(field.getValue(), cols.get(i).type());
                present[i] = true;
            } catch (ValueParseException e) {
                return new RowResult(null, ParseError.of(number, cols.get(i).name(),
                        "column " + cols.get(i).name() + ": " + e.getMessage(), field.getValue().toString()));
            }
        }
        for (int i = 0; i < cols.size(); i++) {
            boolean needed = !keyOnly || table.primaryKey().contains(i);
            if (needed && values[i] == null && !cols.get(i).nullable()) {
                String why = present[i] ? "is NULL" : "is missing";
                return new RowResult(null, ParseError.of(number, cols.get(i).name(),
                        "column " + cols.get(i).name() + " is NOT NULL but " + why, node.toString()));
            }
        }
        return new RowResult(Row.wrap(values), present, null);
    }
}
