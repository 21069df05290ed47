package io.sluice.pipeline.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
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
 * @param faultTolerance {@code fault_tolerance.model}
 * @param inputs the config file's input connectors ({@code inputs})
 * @param outputs the config file's output connectors ({@code outputs})
 * @param clock the clock that drives {@code NOW()} ({@code clock_resolution_usecs}, {@code clock_timezone_offset},
 *     {@code dev_tweaks.now_http_driven})
 */
public record PipelineConfig(
        String name,
        int workers,
        Optional<Path> storagePath,
        String programCode,
        Optional<Integer> checkpointIntervalSecs,
        Optional<SyncConfig> sync,
        FaultToleranceModel faultTolerance,
        List<EndpointConfig> inputs,
        List<EndpointConfig> outputs,
        ClockConfig clock) {
    /** A pipeline with the default clock. */
    public PipelineConfig(String name, int workers, Optional<Path> storagePath, String programCode,
            Optional<Integer> checkpointIntervalSecs, Optional<SyncConfig> sync, FaultToleranceModel faultTolerance,
            List<EndpointConfig> inputs, List<EndpointConfig> outputs) {
        this(name, workers, storagePath, programCode, checkpointIntervalSecs, sync, faultTolerance, inputs, outputs,
                ClockConfig.DEFAULT);
    }

    /** A pipeline without connectors and without object-store sync. */
    public PipelineConfig(String name, int workers, Optional<Path> storagePath, String programCode,
            Optional<Integer> checkpointIntervalSecs) {
        this(name, workers, storagePath, programCode, checkpointIntervalSecs, Optional.empty(),
                checkpointIntervalSecs.isPresent() ? FaultToleranceModel.EXACTLY_ONCE : FaultToleranceModel.NONE,
                List.of(), List.of());
    }

    public PipelineConfig {
        requireNonNull(sync, "sync is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(faultTolerance, "faultTolerance is null");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        requireNonNull(name, "name is null");
        requireNonNull(storagePath, "storagePath is null");
        requireNonNull(programCode, "programCode is null");
        requireNonNull(checkpointIntervalSecs, "checkpointIntervalSecs is null");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
    }
}
