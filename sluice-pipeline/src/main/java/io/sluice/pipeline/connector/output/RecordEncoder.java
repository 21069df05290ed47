package io.sluice.pipeline.connector.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.engine.algebra.Batch;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.format.RowJsonWriter;
import io.sluice.pipeline.server.CsvRowWriter;
import io.sluice.sql.Relation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a view's change as records, one per line or message, as {@code /egress} does: JSON
 * {@code {"insert": row}} / {@code {"delete": row}}, a row of weight w written |w| times and all
 * deletions first; or CSV with the weight as an extra last column.
 */
final class RecordEncoder {
    private static final JsonFactory JSON = new JsonFactory();

    private final boolean json;
    private final RowJsonWriter rows;

    private RecordEncoder(boolean json, Relation view) {
        this.json = json;
        this.rows = new RowJsonWriter(view.columns());
    }

    static RecordEncoder of(EndpointConfig config, Relation view) throws ConfigException {
        String format = config.format().orElse("json");
        if (!format.equals("json") && !format.equals("csv")) {
            throw new ConfigException("connector '" + config.name() + "': format '" + format + "' is not supported; use json or csv");
        }
        return new RecordEncoder(format.equals("json"), view);
    }

    /** The records of {@code delta}, each without a line end. */
    List<byte[]> encode(Batch delta) {
        List<byte[]> out = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            boolean deletes = pass == 0;
            for (int i = 0; i < delta.size(); i++) {
                long w = delta.weight(i);
                if ((w < 0) != deletes) {
                    continue;
                }
                if (json) {
                    byte[] record = jsonRecord(deletes, delta, i);
                    for (long k = Math.abs(w); k > 0; k--) {
                        out.add(record);
                    }
                } else {
                    StringBuilder s = new StringBuilder();
                    CsvRowWriter.append(s, delta.key(i));
                    s.append(',').append(w);
                    out.add(s.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private byte[] jsonRecord(boolean delete, Batch delta, int i) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (JsonGenerator gen = JSON.createGenerator(bytes)) {
            gen.writeStartObject();
            gen.writeFieldName(delete ? "delete" : "insert");
            rows.write(gen, delta.key(i));
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
