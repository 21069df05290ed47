package io.sluice.pipeline.server;

import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.format.RowJsonWriter;
import java.math.BigDecimal;
import java.time.LocalDateTime;

/**
 * Writes rows as CSV fields, as {@code /egress?format=csv} and {@code /query?format=csv} answer them:
 * NULL is an empty field, DECIMAL is plain, TIMESTAMP is {@code YYYY-MM-DD HH:MM:SS[.f]}, and a field
 * with a comma, quote or line break is double-quoted.
 */
public final class CsvRowWriter {
    private CsvRowWriter() {}

    /** Appends the row's fields, comma-separated, without a line end. */
    public static void append(StringBuilder s, Row row) {
        for (int c = 0; c < row.arity(); c++) {
            if (c > 0) {
                s.append(',');
            }
            field(s, row.get(c));
        }
    }

    static void field(StringBuilder s, Object v) {
        if (v == null) {
            return;
        }
        String t = v instanceof BigDecimal d ? d.toPlainString()
                : v instanceof LocalDateTime ts ? RowJsonWriter.formatTimestamp(ts)
                : v.toString();
        quoted(s, t);
    }

    static void quoted(StringBuilder s, String t) {
        if (t.indexOf(',') >= 0 || t.indexOf('"') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
            s.append('"').append(t.replace("\"", "\"\"")).append('"');
        } else {
            s.append(t);
        }
    }
}
