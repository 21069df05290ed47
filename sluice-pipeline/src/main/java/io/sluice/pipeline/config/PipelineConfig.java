package io.sluice.pipeline.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The pipeline configuration, parsed and checked once at startup by {@link ConfigLoader}.
 *
 * @param name the pipeline's system name, used in logs and metric labels
 * @param workers worker threads for the circuit
 * @param storagePath the storage directory, or empty for an in-memory pipeline (no checkpoints)
 * @param programCode the SQL program
 * @param checkpointIntervalSecs periodic checkpoint interval, or empty for none
 * @param sync checkpoint sync with an object store ({@code storage.backend.config.sync}), or empty
 */
public record PipelineConfig(
        String name,
        int workers,
        Optional<Path> storagePath,
        String programCode,
        Optional<Integer> checkpointIntervalSecs,
        Optional<SyncConfig> sync) {
    public PipelineConfig(String name, int workers, Optional<Path> storagePath, String programCode,
            Optional<Integer> checkpointIntervalSecs) {
        this(name, workers, storagePath, programCode, checkpointIntervalSecs, Optional.empty());
    }

    public PipelineConfig {
        requireNonNull(sync, "sync is null");
        requireNonNull(name, "name is null");
        requireNonNull(storagePath, "storagePath is null");
        requireNonNull(programCode, "programCode is null");
        requireNonNull(checkpointIntervalSecs, "checkpointIntervalSecs is null");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
    }
}
