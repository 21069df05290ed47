package io.sluice.pipeline.format;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.engine.algebra.Row;
import io.sluice.sql.Column;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.io.InputStream;
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
 * <p>A bad event is reported with its 1-based number and skipped; malformed JSON ends the parse at
 * that point, since the rest of the stream cannot be framed.
 */
record JsonInputFormat(UpdateFormat updateFormat, boolean array) implements InputFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    enum UpdateFormat {
        INSERT_DELETE, RAW, DEBEZIUM
    }

    @Override
    public ParsedInput parse(InputStream body, Relation table) throws IOException {
        CountingInputStream in = new CountingInputStream(body);
        Map<String, Integer> columns = InputFormat.columnIndex(table);
        List<Change> changes = new ArrayList<>();
        Errors errors = new Errors();
        long event = 0;
        try (JsonParser parser = MAPPER.createParser(in)) {
            while (true) {
                JsonToken token;
                try {
                    token = parser.nextToken();
                } catch (JsonParseException e) {
                    errors.add(ParseError.of(event + 1, null, "malformed JSON: " + e.getOriginalMessage(), null));
                    break;
                }
                if (token == null) {
                    break;
                }
                JsonNode value;
                try {
                    value = MAPPER.readTree(parser);
                } catch (JsonParseException e) {
                    errors.add(ParseError.of(event + 1, null, "malformed JSON: " + e.getOriginalMessage(), null));
                    break;
                }
                if (array) {
                    if (!value.isArray()) {
                        errors.add(ParseError.of(++event, null, "expected an array of events (array=true)", value.toString()));
                        continue;
                    }
                    for (JsonNode element : value) {
                        event++;
                        parseEvent(element, event, table, columns, changes, errors);
                    }
                } else {
                    event++;
                    parseEvent(value, event, table, columns, changes, errors);
                }
            }
        }
        return new ParsedInput(changes, errors.listed, errors.count, in.count());
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
        for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("delete") && !field.equals("insert")) {
                String hint = field.equals("update") ? "'update' is not supported yet; send 'delete' then 'insert'"
                        : "unknown operation '" + field + "'; expected 'insert' or 'delete'";
                errors.add(ParseError.of(number, null, hint, event.toString()));
                return;
            }
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

    /** A parsed row, or the error that stopped it. */
    private record RowResult(Row row, ParseError error) {
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
        return new RowResult(Row.wrap(values), null);
    }
}
