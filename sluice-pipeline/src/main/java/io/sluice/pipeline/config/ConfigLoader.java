package io.sluice.pipeline.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the pipeline configuration (YAML or JSON, Feldera's {@code PipelineConfig} shape) into a
 * {@link PipelineConfig}, and refuses a bad one with a single message naming the field.
 *
 * <p>Fields Sluice does not use yet but Feldera's control plane sends are accepted and ignored
 * ({@link #ACCEPTED_UNUSED}); any other field is an error, so a typo never passes silently.
 */
public final class ConfigLoader {
    private static final Set<String> USED = Set.of(
            "name", "workers", "storage_config", "storage", "program_code", "fault_tolerance", "inputs", "outputs",
            "clock_resolution_usecs", "clock_timezone_offset", "dev_tweaks");
    private static final Set<String> ACCEPTED_UNUSED = Set.of(
            "given_name", "secrets_dir", "program_ir", "multihost", "hosts", "min_batch_size_records",
            "max_buffering_delay_usecs", "max_rss_mb",
            "resources", "http_workers", "io_workers", "max_parallel_connector_init", "cpu_profiler", "logging",
            "env", "pin_cpus", "init_containers", "provisioning_timeout_secs",
            "pipeline_template_configmap", "checkpoint_during_suspend", "tracing", "tracing_endpoint_jaeger");
    private static final int DEFAULT_WORKERS = 8;
    private static final int DEFAULT_CHECKPOINT_INTERVAL_SECS = 60;

    private ConfigLoader() {
    }

    /**
     * Reads {@code file}. As Feldera does, a path that does not end in {@code .json} but has a
     * {@code .json} sibling is read from the sibling.
     */
    public static PipelineConfig load(Path file, Optional<String> programOverride) throws ConfigException {
        Path source = file;
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(".json")) {
            int dot = fileName.lastIndexOf('.');
            Path sibling = file.resolveSibling((dot < 0 ? fileName : fileName.substring(0, dot)) + ".json");
            if (Files.isRegularFile(sibling)) {
                source = sibling;
            }
        }
        String text;
        try {
            text = Files.readString(source);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + source + ": " + e.getMessage());
        }
        return parse(text, source.getFileName().toString().endsWith(".json"), programOverride);
    }

    public static PipelineConfig parse(String text, boolean json, Optional<String> programOverride)
            throws ConfigException {
        JsonNode root;
        try {
            ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
            root = mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException("config is not valid " + (json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = new ObjectMapper().createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException("config must be an object, not " + root.getNodeType());
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!USED.contains(field) && !ACCEPTED_UNUSED.contains(field)) {
                throw new ConfigException("config field '" + field + "' is unknown");
            }
        }
        String name = optionalText(root, "name").orElse("unnamed");
        int workers = DEFAULT_WORKERS;
        if (has(root, "workers")) {
            JsonNode w = root.get("workers");
            if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() < 1) {
                throw new ConfigException("config field 'workers' must be a positive integer, not " + w);
            }
            workers = w.asInt();
        }
        Optional<String> program = programOverride.isPresent() ? programOverride : optionalText(root, "program_code");
        if (program.isEmpty() || program.get().isBlank()) {
            throw new ConfigException("config field 'program_code' is missing (or pass --sql-file)");
        }
        List<EndpointConfig> inputs = has(root, "inputs") ? EndpointConfigParser.parseMap(root.get("inputs"), "inputs") : List.of();
        List<EndpointConfig> outputs = has(root, "outputs") ? EndpointConfigParser.parseMap(root.get("outputs"), "outputs") : List.of();
        EndpointConfigParser.validateStartAfter(inputs);
        Optional<Path> storage = storagePath(root);
        Optional<SyncConfig> sync = syncConfig(root);
        if (sync.isPresent() && storage.isEmpty()) {
            throw new ConfigException("config field '" + SyncConfig.FIELD + "' needs storage: set 'storage_config.path'"
                    + " (checkpoints are taken locally and pushed from there)");
        }
        return new PipelineConfig(name, workers, storage, program.get(), checkpointInterval(root), sync,
                faultToleranceModel(root), inputs, outputs, ClockConfig.parse(root));
    }

    /** {@code storage.backend}: {@code {"name": "default"}} or {@code {"name": "file", "config": {"sync": {...}}}}. */
    private static Optional<SyncConfig> syncConfig(JsonNode root) throws ConfigException {
        JsonNode storage = root.get("storage");
        if (storage == null || !storage.isObject() || !has(storage, "backend")) {
            return Optional.empty();
        }
        JsonNode backend = storage.get("backend");
        if (!backend.isObject()) {
            throw new ConfigException("config field 'storage.backend' must be an object such as {\"name\": \"file\"}");
        }
        String backendName = has(backend, "name") && backend.get("name").isTextual() ? backend.get("name").textValue() : "";
        if (!backendName.equals("default") && !backendName.equals("file")) {
            throw new ConfigException("config field 'storage.backend.name' must be \"default\" or \"file\", not "
                    + backend.get("name"));
        }
        if (!has(backend, "config")) {
            return Optional.empty();
        }
        JsonNode config = backend.get("config");
        if (!config.isObject()) {
            throw new ConfigException("config field 'storage.backend.config' must be an object");
        }
        if (backendName.equals("default")) {
            throw new ConfigException("config field 'storage.backend.config' needs \"name\": \"file\"");
        }
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("sync", "async_threads", "ioop_delay").contains(f)) {
                throw new ConfigException("config field 'storage.backend.config." + f + "' is unknown");
            }
        }
        return has(config, "sync") ? Optional.of(SyncConfig.parse(config.get("sync"))) : Optional.empty();
    }

    private static Optional<java.nio.file.Path> storagePath(JsonNode root) throws ConfigException {
        Optional<String> path = Optional.empty();
        if (has(root, "storage_config")) {
            JsonNode sc = root.get("storage_config");
            if (!sc.isObject()) {
                throw new ConfigException("config field 'storage_config' must be an object with a 'path'");
            }
            path = optionalText(sc, "path");
            if (path.isEmpty() || path.get().isBlank()) {
                throw new ConfigException("config field 'storage_config.path' is missing or empty");
            }
        }
        boolean enabled = true;
        if (root.has("storage")) {
            JsonNode s = root.get("storage");
            if (s.isNull() || (s.isBoolean() && !s.booleanValue())) {
                enabled = false;
            } else if (!s.isBoolean() && !s.isObject()) {
                throw new ConfigException("config field 'storage' must be null, a boolean or an object, not " + s);
            }
        }
        return enabled ? path.map(Path::of) : Optional.empty();
    }

    private static Optional<Integer> checkpointInterval(JsonNode root) throws ConfigException {
        if (!has(root, "fault_tolerance")) {
            return Optional.empty();
        }
        JsonNode ft = root.get("fault_tolerance");
        if (ft.isTextual()) {
            return Optional.of(DEFAULT_CHECKPOINT_INTERVAL_SECS);
        }
        if (!ft.isObject()) {
            throw new ConfigException("config field 'fault_tolerance' must be an object");
        }
        if ("none".equals(optionalText(ft, "model").orElse(""))) {
            return Optional.empty();
        }
        if (!ft.has("checkpoint_interval_secs")) {
            return Optional.of(DEFAULT_CHECKPOINT_INTERVAL_SECS);
        }
        JsonNode interval = ft.get("checkpoint_interval_secs");
        if (interval.isNull()) {
            return Optional.empty();
        }
        if (!interval.isIntegralNumber()) {
            throw new ConfigException("config field 'fault_tolerance.checkpoint_interval_secs' must be an integer");
        }
        return Optional.of((int) Math.max(1, Math.min(3600, interval.asLong())));
    }

    /**
     * Feldera's rules: absent, null or {@code {"model": "none"}} is no fault tolerance; an object
     * without a model, and the legacy strings, mean exactly-once.
     */
    private static FaultToleranceModel faultToleranceModel(JsonNode root) throws ConfigException {
        if (!has(root, "fault_tolerance")) {
            return FaultToleranceModel.NONE;
        }
        JsonNode ft = root.get("fault_tolerance");
        if (ft.isTextual()) {
            return FaultToleranceModel.EXACTLY_ONCE;
        }
        Optional<String> model = optionalText(ft, "model");
        if (model.isEmpty()) {
            return FaultToleranceModel.EXACTLY_ONCE;
        }
        for (FaultToleranceModel m : FaultToleranceModel.values()) {
            if (m.configName().equals(model.get())) {
                return m;
            }
        }
        throw new ConfigException("config field 'fault_tolerance.model' must be none, at_least_once or exactly_once, not '"
                + model.get() + "'");
    }

    private static boolean has(JsonNode node, String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    private static Optional<String> optionalText(JsonNode node, String field) throws ConfigException {
        if (!has(node, field)) {
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            throw new ConfigException("config field '" + field + "' must be a string, not " + value.getNodeType());
        }
        return Optional.of(value.textValue());
    }
}
