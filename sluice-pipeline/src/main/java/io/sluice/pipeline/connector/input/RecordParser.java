package io.sluice.pipeline.connector.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.format.InputFormat;
import io.sluice.pipeline.format.ParsedInput;
import io.sluice.sql.Relation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Parses a connector's raw bytes with the endpoint's format ({@code json} or {@code csv}), through
 * the same parsers as HTTP ingress. JSON takes {@code update_format} ({@code insert_delete},
 * {@code raw}, {@code debezium}) and {@code array}; {@code lines} is accepted (records are always
 * newline- or whitespace-separated here).
 */
public final class RecordParser {
    private static final Set<String> JSON_KEYS = Set.of("update_format", "array", "lines", "json_flavor");

    private final InputFormat format;
    private final Relation table;

    private RecordParser(InputFormat format, Relation table) {
        this.format = format;
        this.table = table;
    }

    public static RecordParser of(EndpointConfig config, Relation table) throws ConfigException {
        requireNonNull(table, "table is null");
        String name = config.format().orElseThrow(() -> new ConfigException("connector '" + config.name()
                + "' needs a format: {\"name\": \"json\"} or {\"name\": \"csv\"}"));
        JsonNode fc = config.formatConfig();
        if (name.equals("json")) {
            for (var f : fc.properties()) {
                if (!JSON_KEYS.contains(f.getKey())) {
                    throw new ConfigException("connector '" + config.name() + "': json format has no setting '" + f.getKey() + "'");
                }
            }
        } else if (!name.equals("csv")) {
            throw new ConfigException("connector '" + config.name() + "': format '" + name + "' is not supported; use json or csv");
        }
        try {
            InputFormat format = InputFormat.fromQuery(key -> key.equals("format") ? name
                    : fc.hasNonNull(key) ? fc.get(key).asText() : null);
            return new RecordParser(format, table);
        } catch (SluiceException e) {
            throw new ConfigException("connector '" + config.name() + "': " + e.getMessage());
        }
    }

    /** Parses {@code length} bytes of {@code data} from {@code offset}. */
    public ParsedInput parse(byte[] data, int offset, int length) {
        try {
            return format.parse(new ByteArrayInputStream(data, offset, length), table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
