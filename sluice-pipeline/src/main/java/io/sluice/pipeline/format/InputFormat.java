package io.sluice.pipeline.format;

import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.sql.Column;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * An ingress format, chosen from the query string of {@code POST /ingress/{table}}: {@code format=json}
 * with {@code update_format=insert_delete|raw|debezium}, {@code array=true|false} and
 * {@code lines=multiple|single}, or {@code format=csv}.
 */
public sealed interface InputFormat permits JsonInputFormat, CsvInputFormat {
    ParsedInput parse(InputStream body, Relation table) throws IOException;

    /** Builds the format from query parameters; unsupported values are 400 InvalidParam. */
    static InputFormat fromQuery(Function<String, String> param) {
        String format = param.apply("format");
        if (format == null || format.equals("csv")) {
            return new CsvInputFormat();
        }
        if (format.equals("json")) {
            String update = param.apply("update_format");
            JsonInputFormat.UpdateFormat u;
            if (update == null || update.equals("insert_delete")) {
                u = JsonInputFormat.UpdateFormat.INSERT_DELETE;
            } else if (update.equals("raw")) {
                u = JsonInputFormat.UpdateFormat.RAW;
            } else if (update.equals("debezium")) {
                u = JsonInputFormat.UpdateFormat.DEBEZIUM;
            } else {
                throw new SluiceException(ErrorCode.INVALID_PARAM, "update_format '" + update
                        + "' is not supported; use insert_delete, raw or debezium", Map.of("error", "unsupported update_format"));
            }
            String arrayParam = param.apply("array");
            boolean array = "true".equals(arrayParam) || "1".equals(arrayParam);
            String lines = param.apply("lines");
            if (lines != null && !lines.equals("multiple") && !lines.equals("single")) {
                throw new SluiceException(ErrorCode.INVALID_PARAM, "lines '" + lines
                        + "' is not supported; use multiple or single", Map.of("error", "unsupported lines"));
            }
            return new JsonInputFormat(u, array, "single".equals(lines));
        }
        throw new SluiceException(ErrorCode.INVALID_PARAM, "format '" + format + "' is not supported; use json or csv",
                Map.of("error", "unsupported format"));
    }

    /**
     * The position of the column a JSON key names: the exact name, or, for a column declared without
     * quotes (stored in lower case), the key in any case. -1 when there is none.
     */
    static int columnOf(Map<String, Integer> exact, String key) {
        Integer i = exact.get(key);
        if (i == null) {
            i = exact.get(key.toLowerCase(Locale.ROOT));
        }
        return i == null ? -1 : i;
    }

    static Map<String, Integer> columnIndex(Relation table) {
        Map<String, Integer> index = new HashMap<>();
        List<Column> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i).name(), i);
        }
        return index;
    }

    /** Collects errors up to the listing limit and counts the rest. */
    final class Errors {
        final List<ParseError> listed = new ArrayList<>();
        long count;

        void add(ParseError e) {
            count++;
            if (listed.size() < ParsedInput.MAX_LISTED_ERRORS) {
                listed.add(e);
            }
        }
    }
}
