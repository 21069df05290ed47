package io.sluice.pipeline.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * One input or output connector, in Feldera's {@code InputEndpointConfig}/{@code OutputEndpointConfig}
 * shape: {@code {"stream", "transport": {"name", "config"}, "format": {"name", "config"},
 * "max_queued_records", "paused", "labels", "start_after"}}. Comes from the config file's
 * {@code inputs}/{@code outputs} or from a table's or view's {@code WITH ('connectors' = '[...]')}.
 *
 * @param name endpoint name, {@code <table>.<connector>} by convention
 * @param stream the table it feeds or the view it reads
 * @param transport transport name ({@code file_input}, {@code datagen}, {@code kafka_input},
 *     {@code file_output}, {@code kafka_output})
 * @param transportConfig the transport's own settings (an object; empty when not given)
 * @param format format name ({@code json}, {@code csv}), empty for transports without one (datagen)
 * @param formatConfig the format's settings (an object; empty when not given)
 * @param maxQueuedRecords backpressure: an input stops reading while this many of its records wait for a step
 * @param paused an input starts paused (resumed by {@code /input_endpoints/{name}/start})
 * @param labels labels other inputs can wait for with {@code start_after}
 * @param startAfter this input starts once every input carrying one of these labels reached its end
 */
public record EndpointConfig(String name, String stream, String transport, ObjectNode transportConfig,
        Optional<String> format, ObjectNode formatConfig, long maxQueuedRecords, boolean paused,
        List<String> labels, List<String> startAfter) {
    public static final long DEFAULT_MAX_QUEUED_RECORDS = 1_000_000;

    public EndpointConfig {
        requireNonNull(name, "name is null");
        requireNonNull(stream, "stream is null");
        requireNonNull(transport, "transport is null");
        transportConfig = requireNonNull(transportConfig, "transportConfig is null").deepCopy();
        requireNonNull(format, "format is null");
        formatConfig = requireNonNull(formatConfig, "formatConfig is null").deepCopy();
        labels = List.copyOf(labels);
        startAfter = List.copyOf(startAfter);
        if (maxQueuedRecords < 1) {
            throw new IllegalArgumentException("max_queued_records must be positive: " + maxQueuedRecords);
        }
    }

    /** A copy of the transport settings (records hand out copies: the nodes are mutable). */
    @Override
    public ObjectNode transportConfig() {
        return transportConfig.deepCopy();
    }

    @Override
    public ObjectNode formatConfig() {
        return formatConfig.deepCopy();
    }

    /** A text setting of the transport, if present. */
    public Optional<String> transportText(String key) {
        JsonNode v = transportConfig.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.isTextual() ? v.textValue() : v.toString());
    }

    static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }
}
