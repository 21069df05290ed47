package io.sluice.pipeline.server;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import io.sluice.pipeline.sync.CheckpointSync;
import io.sluice.pipeline.sync.SyncStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Checkpoint sync endpoints: {@code POST /checkpoint/sync}, {@code GET /checkpoint/sync_status},
 * {@code GET /checkpoints/remote}, plus the sync section of {@code /stats} and its metrics. They
 * need the storage directory and the sync configuration, not the controller: a push of the final
 * checkpoint can be asked for after a suspend, and a standby reports its pulls.
 */
final class SyncEndpoints {
    private final Pipeline pipeline;

    SyncEndpoints(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    private CheckpointSync sync() {
        return pipeline.sync().orElseThrow(() -> new SluiceException(ErrorCode.SYNC_NOT_CONFIGURED, pipeline.config().sync().isPresent()
                ? "checkpoint sync is not set up yet: the pipeline is initializing"
                : "checkpoint sync is not configured: set storage.backend.config.sync in the pipeline config"));
    }

    /** {@code POST /checkpoint/sync}: pushes the newest local checkpoint; 202 at once, the outcome lands in sync_status. */
    void push(Exchange ex) throws IOException {
        CheckpointSync sync = sync();
        CheckpointRecord newest = pipeline.storage().flatMap(StorageDirectory::latest).orElseThrow(() -> new SluiceException(
                ErrorCode.NO_CHECKPOINT_TO_SYNC, "there is no local checkpoint to push: take one with POST /checkpoint first"));
        sync.requestPush(newest.uuid(), "request");
        ex.sendJson(202, Map.of("checkpoint_uuid", newest.uuid(), "incarnation_uuid", pipeline.incarnation().toString()));
    }

    /** {@code GET /checkpoint/sync_status[?incarnation_uuid=]}. */
    void status(Exchange ex) throws IOException {
        String requested = ex.param("incarnation_uuid");
        if (requested != null && !requested.equals(pipeline.incarnation().toString())) {
            throw new SluiceException(ErrorCode.INCARNATION_UUID_MISMATCH, "incarnation " + requested
                    + " is not this process's incarnation " + pipeline.incarnation(),
                    Map.of("requested", requested, "expected", pipeline.incarnation().toString()));
        }
        Map<String, Object> body = pipeline.sync().map(s -> s.status().toJson()).orElseGet(() -> {
            Map<String, Object> empty = new LinkedHashMap<>();
            empty.put("success", null);
            empty.put("failure", null);
            empty.put("periodic", null);
            return empty;
        });
        ex.sendJson(200, body);
    }

    /** {@code GET /checkpoints/remote}: the complete checkpoints in the bucket, newest first. */
    void remote(Exchange ex) throws IOException {
        CheckpointSync sync = pipeline.sync().orElseThrow(() -> new SluiceException(ErrorCode.CHECKPOINT_FETCH_ERROR,
                "checkpoint sync is not configured, so there is no bucket to list"));
        try {
            ex.sendJson(200, sync.remoteCheckpoints());
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.CHECKPOINT_FETCH_ERROR, "cannot list checkpoints in bucket "
                    + sync.config().location() + ": " + e.getMessage(), Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    /** The {@code checkpoint_sync} section of {@code /stats}: the sync status, or null without sync. */
    static Object statsSection(Pipeline pipeline) {
        return pipeline.sync().map(s -> s.status().toJson()).orElse(null);
    }

    static void registerMetrics(PrometheusRegistry registry, Pipeline pipeline) {
        counter(registry, pipeline, "checkpoint_sync_push_total", "Checkpoint pushes to the object store that succeeded.", SyncStatus::pushes);
        counter(registry, pipeline, "checkpoint_sync_push_failures_total", "Checkpoint push attempts that failed.", SyncStatus::pushFailures);
        counter(registry, pipeline, "checkpoint_sync_pull_total", "Checkpoint pulls from the object store that succeeded.", SyncStatus::pulls);
        counter(registry, pipeline, "checkpoint_sync_pull_failures_total", "Checkpoint pulls that failed.", SyncStatus::pullFailures);
        gauge(registry, pipeline, "checkpoint_sync_push_last_duration_seconds", "Duration of the last successful push.",
                SyncStatus::lastPushSeconds);
        gauge(registry, pipeline, "checkpoint_sync_push_last_uploaded_bytes", "Bytes the last successful push uploaded.",
                s -> s.lastPushUploadedBytes() < 0 ? Double.NaN : s.lastPushUploadedBytes());
        gauge(registry, pipeline, "shutdown_sync_push_duration_seconds",
                "Time the push of the final checkpoint took during a shutdown by SIGTERM.", SyncStatus::shutdownPushSeconds);
    }

    private static void counter(PrometheusRegistry registry, Pipeline pipeline, String name, String help, ToDoubleFunction<SyncStatus> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("pipeline")
                .callback(cb -> pipeline.sync().ifPresent(s -> cb.call(value.applyAsDouble(s.status()), pipeline.name())))
                .register(registry);
    }

    private static void gauge(PrometheusRegistry registry, Pipeline pipeline, String name, String help, ToDoubleFunction<SyncStatus> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("pipeline")
                .callback(cb -> pipeline.sync().ifPresent(s -> {
                    double v = value.applyAsDouble(s.status());
                    if (!Double.isNaN(v)) {
                        cb.call(v, pipeline.name());
                    }
                }))
                .register(registry);
    }
}
