package io.sluice.pipeline.server;

import io.sluice.pipeline.api.DesiredStatus;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.RuntimeStatus;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.ControllerState;
import io.sluice.pipeline.controller.InputEndpoint;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Status, lifecycle and checkpoint endpoints. */
final class ControlEndpoints {
    private final Pipeline pipeline;

    ControlEndpoints(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** {@code GET /status}: never blocks and never needs the controller. */
    void status(Exchange ex) throws IOException {
        Pipeline.View v = pipeline.view();
        RuntimeStatus status;
        Map<String, Object> details = new LinkedHashMap<>();
        switch (v.phase()) {
            case INITIALIZING -> status = RuntimeStatus.Initializing;
            case STANDBY -> status = RuntimeStatus.Standby;
            case SUSPENDED -> status = RuntimeStatus.Suspended;
            case READY -> {
                Controller c = v.controller().orElseThrow();
                ControllerState state = c.state();
                status = switch (state) {
                    case Running -> RuntimeStatus.Running;
                    case Paused -> RuntimeStatus.Paused;
                    case Terminated -> RuntimeStatus.Suspended;
                };
                details.put("connector_stats", Map.of("num_errors", c.endpoints().errorCount()));
            }
            case INITIALIZATION_ERROR, FAILED -> {
                SluiceException e = v.error().orElseThrow();
                int code = e.errorCode().httpStatus() == 503 ? 500 : e.errorCode().httpStatus();
                ex.sendJson(code, e.toResponse());
                return;
            }
            default -> throw new IllegalStateException("phase " + v.phase());
        }
        v.shutdown().ifPresent(s -> details.put("shutdown", s));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runtime_status", status);
        body.put("runtime_status_details", details);
        body.put("runtime_desired_status", v.desired());
        body.put("storage_status_details", pipeline.storage()
                .map(st -> Map.of("checkpoints", st.catalog().stream().map(ControlEndpoints::catalogEntry).toList()))
                .orElse(null));
        ex.sendJson(200, body);
    }

    private static Map<String, Object> catalogEntry(CheckpointRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", r.uuid());
        m.put("identifier", null);
        m.put("size", r.sizeBytes());
        m.put("steps", r.step());
        m.put("processed_records", r.counters().totalProcessedRecords());
        m.put("written_bytes", r.writtenBytes());
        m.put("created_at", Instant.ofEpochMilli(r.createdAtMillis()).toString());
        return m;
    }

    void start(Exchange ex) throws IOException {
        ex.sendJson(202, pipeline.transition("start", DesiredStatus.Running, false));
    }

    void pause(Exchange ex) throws IOException {
        ex.sendJson(202, pipeline.transition("pause", DesiredStatus.Paused, false));
    }

    void activate(Exchange ex) throws IOException {
        String initial = Optional.ofNullable(ex.param("initial")).orElse("running");
        DesiredStatus target = switch (initial) {
            case "running" -> DesiredStatus.Running;
            case "paused" -> DesiredStatus.Paused;
            default -> throw new SluiceException(ErrorCode.INVALID_PARAM, "initial must be running or paused, not '" + initial + "'",
                    initial);
        };
        ex.sendJson(202, pipeline.transition("activate", target, true));
    }

    void suspend(Exchange ex) throws IOException {
        pipeline.suspend(Pipeline.SuspendOrigin.REQUEST);
        ex.sendJson(202, "Pipeline is suspending");
    }

    void checkpoint(Exchange ex) throws IOException {
        Controller c = pipeline.controller();
        if (pipeline.storage().isEmpty()) {
            throw new SluiceException(ErrorCode.CHECKPOINT_ERROR, "cannot checkpoint: the pipeline has no storage configured");
        }
        long seq = pipeline.checkpointTracker().allocate();
        c.checkpoint().whenComplete((record, err) -> {
            if (err == null) {
                pipeline.checkpointTracker().succeeded(seq);
            } else {
                Throwable cause = err.getCause() != null ? err.getCause() : err;
                pipeline.checkpointTracker().failed(seq, String.valueOf(cause.getMessage()));
            }
        });
        ex.sendJson(200, Map.of("checkpoint_sequence_number", seq, "incarnation_uuid", pipeline.incarnation().toString()));
    }

    void checkpointStatus(Exchange ex) throws IOException {
        String requested = ex.param("incarnation_uuid");
        if (requested != null && !requested.equals(pipeline.incarnation().toString())) {
            throw new SluiceException(ErrorCode.INCARNATION_UUID_MISMATCH, "incarnation " + requested
                    + " is not this process's incarnation " + pipeline.incarnation(),
                    Map.of("requested", requested, "expected", pipeline.incarnation().toString()));
        }
        ex.sendJson(200, pipeline.checkpointTracker().status());
    }

    void checkpoints(Exchange ex) throws IOException {
        List<Map<String, Object>> list = pipeline.storage().map(StorageDirectory::catalog).orElse(List.of()).stream()
                .map(ControlEndpoints::catalogEntry).toList();
        ex.sendJson(200, list);
    }

    /** {@code GET /suspendable}: whether a suspend can succeed, and if not, the permanent reasons. */
    void suspendable(Exchange ex) throws IOException {
        Controller c = pipeline.controller();
        List<String> reasons = new java.util.ArrayList<>();
        if (pipeline.storage().isEmpty()) {
            reasons.add("StorageRequired");
        }
        for (InputEndpoint i : c.endpoints().inputs()) {
            i.notResumable().ifPresent(why -> reasons.add("UnsupportedInputEndpoint: " + why));
        }
        ex.sendJson(200, Map.of("suspendable", reasons.isEmpty(), "reasons", reasons));
    }

    /** {@code GET /metadata}: the {@code --metadata-file} contents, verbatim (empty without one). */
    void metadata(Exchange ex) {
        ex.send(200, "application/json", pipeline.metadata().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
