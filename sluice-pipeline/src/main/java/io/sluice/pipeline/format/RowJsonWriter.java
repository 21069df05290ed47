package io.sluice.pipeline.format;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.engine.algebra.ByteString;
import io.sluice.engine.algebra.Row;
import io.sluice.sql.Column;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;

/** Writes a row as a JSON object keyed by column name, in the value forms ingress accepts. */
public final class RowJsonWriter {
    private final String[] names;

    public RowJsonWriter(List<Column> columns) {
        names = columns.stream().map(Column::name).toArray(String[]::new);
    }

    public void write(JsonGenerator gen, Row row) throws IOException {
        gen.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            gen.writeFieldName(names[i]);
            writeValue(gen, row.get(i));
        }
        gen.writeEndObject();
    }

    /** {@code YYYY-MM-DD HH:MM:SS[.fraction]}, the form ingress reads back. */
    public static String formatTimestamp(LocalDateTime t) {
        return t.format(ValueConverter.TIMESTAMP);
    }

    private static void writeValue(JsonGenerator gen, Object v) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (v instanceof Integer i) {
            gen.writeNumber(i);
        } else if (v instanceof Long l) {
            gen.writeNumber(l);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                gen.writeString(d.toString());
            } else {
                gen.writeNumber(d);
            }
        } else if (v instanceof BigDecimal d) {
            gen.writeNumber(d.toPlainString());
        } else if (v instanceof LocalDateTime t) {
            gen.writeString(formatTimestamp(t));
        } else if (v instanceof java.time.LocalTime t) {
            gen.writeString(t.format(java.time.format.DateTimeFormatter.ISO_LOCAL_TIME));
        } else if (v instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) {
                gen.writeString(f.toString());
            } else {
                gen.writeNumber(f);
            }
        } else if (v instanceof ByteString b) {
            gen.writeStartArray();
            for (int i = 0; i < b.length(); i++) {
                gen.writeNumber(b.byteAt(i));
            }
            gen.writeEndArray();
        } else if (v instanceof List<?> list) {
            gen.writeStartArray();
            for (Object element : list) {
                writeValue(gen, element);
            }
            gen.writeEndArray();
        } else {
            gen.writeString(v.toString());
        }
    }
}
