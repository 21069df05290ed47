package io.sluice.pipeline.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads connector configurations: the config file's {@code inputs}/{@code outputs} maps and the
 * JSON array of a table's or view's {@code 'connectors'} property. Unknown fields are refused with
 * the path of the field, as everywhere in the configuration.
 */
public final class EndpointConfigParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("stream", "transport", "format", "max_queued_records",
            "paused", "labels", "start_after", "name", "max_batch_size", "max_worker_batch_size",
            "max_queued_bytes", "send_snapshot", "soft_delete", "index", "enable_output_buffer",
            "max_output_buffer_time_millis", "max_output_buffer_size_records", "preprocessor", "postprocessor");

    private EndpointConfigParser() {
    }

    /** The {@code inputs} or {@code outputs} map of a config file; {@code where} is that field's name. */
    static List<EndpointConfig> parseMap(JsonNode map, String where) throws ConfigException {
        if (!map.isObject()) {
            throw new ConfigException("config field '" + where + "' must be an object of named connectors");
        }
        List<EndpointConfig> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            list.add(parse(e.getKey(), e.getValue(), Optional.empty(), where + "." + e.getKey()));
        }
        return list;
    }

    /**
     * The {@code 'connectors'} property of relation {@code relation}: a JSON array of connector
     * objects. Endpoints are named {@code <relation>.<name>}, or {@code <relation>.unnamed-<i>}
     * when the connector has no {@code name}.
     */
    public static List<EndpointConfig> parseSqlProperty(String relation, String json) throws ConfigException {
        String where = "connectors of " + relation;
        JsonNode array;
        try {
            array = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (array == null || !array.isArray()) {
            throw new ConfigException(where + ": must be a JSON array of connector objects");
        }
        List<EndpointConfig> list = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode c = array.get(i);
            String name = c.isObject() && c.hasNonNull("name") ? c.get("name").asText() : "unnamed-" + i;
            list.add(parse(relation + "." + name, c, Optional.of(relation), where + "[" + i + "]"));
        }
        return list;
    }

    private static EndpointConfig parse(String name, JsonNode node, Optional<String> stream, String where)
            throws ConfigException {
        if (!node.isObject()) {
            throw new ConfigException("config field '" + where + "' must be an object");
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!FIELDS.contains(f.getKey())) {
                throw new ConfigException("config field '" + where + "." + f.getKey() + "' is unknown");
            }
        }
        String table = stream.orElse(null);
        if (node.hasNonNull("stream")) {
            table = text(node.get("stream"), where + ".stream");
        }
        if (table == null) {
            table = name.contains(".") ? name.substring(0, name.indexOf('.')) : null;
        }
        if (table == null || table.isBlank()) {
            throw new ConfigException("config field '" + where + ".stream' is missing (the table or view to connect)");
        }
        JsonNode transport = node.get("transport");
        if (transport == null || !transport.isObject() || !transport.hasNonNull("name")) {
            throw new ConfigException("config field '" + where + ".transport' must be an object with a 'name'");
        }
        String transportName = text(transport.get("name"), where + ".transport.name");
        ObjectNode transportConfig = object(transport.get("config"), where + ".transport.config");
        Optional<String> format = Optional.empty();
        ObjectNode formatConfig = EndpointConfig.emptyObject();
        JsonNode f = node.get("format");
        if (f != null && !f.isNull()) {
            if (!f.isObject() || !f.hasNonNull("name")) {
                throw new ConfigException("config field '" + where + ".format' must be an object with a 'name'");
            }
            format = Optional.of(text(f.get("name"), where + ".format.name"));
            formatConfig = object(f.get("config"), where + ".format.config");
        }
        long maxQueued = EndpointConfig.DEFAULT_MAX_QUEUED_RECORDS;
        if (node.hasNonNull("max_queued_records")) {
            JsonNode m = node.get("max_queued_records");
            if (!m.isIntegralNumber() || m.asLong() < 1) {
                throw new ConfigException("config field '" + where + ".max_queued_records' must be a positive integer");
            }
            maxQueued = m.asLong();
        }
        boolean paused = false;
        if (node.hasNonNull("paused")) {
            if (!node.get("paused").isBoolean()) {
                throw new ConfigException("config field '" + where + ".paused' must be a boolean");
            }
            paused = node.get("paused").booleanValue();
        }
        return new EndpointConfig(name, table, transportName, transportConfig, format, formatConfig, maxQueued, paused,
                strings(node.get("labels"), where + ".labels"), strings(node.get("start_after"), where + ".start_after"));
    }

    /** Checks the {@code start_after} references of the inputs: every label exists and nothing waits on itself. */
    public static void validateStartAfter(List<EndpointConfig> inputs) throws ConfigException {
        Map<String, List<String>> byLabel = new LinkedHashMap<>();
        for (EndpointConfig c : inputs) {
            for (String l : c.labels()) {
                byLabel.computeIfAbsent(l, k -> new ArrayList<>()).add(c.name());
            }
        }
        Map<String, EndpointConfig> byName = new LinkedHashMap<>();
        inputs.forEach(c -> byName.put(c.name(), c));
        for (EndpointConfig c : inputs) {
            for (String l : c.startAfter()) {
                if (!byLabel.containsKey(l)) {
                    throw new ConfigException("input '" + c.name() + "' has start_after '" + l
                            + "', but no input has that label");
                }
            }
            // Depth-first walk along start_after; meeting c again is a cycle.
            List<String> stack = new ArrayList<>(List.of(c.name()));
            Set<String> seen = new java.util.HashSet<>();
            while (!stack.isEmpty()) {
                EndpointConfig at = byName.get(stack.remove(stack.size() - 1));
                for (String l : at.startAfter()) {
                    for (String dep : byLabel.get(l)) {
                        if (dep.equals(c.name())) {
                            throw new ConfigException("input '" + c.name() + "' waits for itself through start_after");
                        }
                        if (seen.add(dep)) {
                            stack.add(dep);
                        }
                    }
                }
            }
        }
    }

    private static String text(JsonNode v, String where) throws ConfigException {
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new ConfigException("config field '" + where + "' must be a non-empty string");
        }
        return v.textValue();
    }

    private static ObjectNode object(JsonNode v, String where) throws ConfigException {
        if (v == null || v.isNull()) {
            return EndpointConfig.emptyObject();
        }
        if (!v.isObject()) {
            throw new ConfigException("config field '" + where + "' must be an object");
        }
        return (ObjectNode) v;
    }

    private static List<String> strings(JsonNode v, String where) throws ConfigException {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray()) {
            throw new ConfigException("config field '" + where + "' must be a string or a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            out.add(text(s, where));
        }
        if (v.isArray() && out.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException("config field '" + where + "' holds an empty label");
        }
        return out;
    }
}
