package io.sluice.pipeline.server;

import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.InputEndpoint;
import io.sluice.pipeline.controller.OutputEndpoint;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.controller.TimeSeries;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /stats} and {@code GET /stats/errors}, in the shape of Feldera's {@code ControllerStatus};
 * also the per-endpoint status objects of {@code /input_endpoints/{name}/stats} and
 * {@code /output_endpoints/{name}/stats}.
 */
final class StatsEndpoint {
    private final Pipeline pipeline;
    private final Instant startTime = Instant.now();

    StatsEndpoint(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** {@code GET /stats[?include_connector_errors=true]}. */
    void stats(Exchange ex) throws IOException {
        Controller c = pipeline.controller();
        boolean errors = ex.booleanParam("include_connector_errors");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("global_metrics", globalMetrics(c));
        body.put("suspend_error", pipeline.storage().isPresent() ? null : Map.of("Permanent", List.of("StorageRequired")));
        body.put("checkpoint_activity", c.checkpointInProgress()
                .<Object>map(t -> Map.of("status", "in_progress", "started_at", t))
                .orElse(Map.of("status", "idle")));
        body.put("last_checkpoint", c.lastCheckpoint().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uuid", s.uuid());
            m.put("step", s.step());
            m.put("capture_msecs", s.captureTime().toMillis());
            m.put("write_msecs", s.writeTime().toMillis());
            m.put("duration_msecs", s.captureTime().plus(s.writeTime()).toMillis());
            m.put("written_bytes", s.writtenBytes());
            m.put("size_bytes", s.sizeBytes());
            m.put("completed_at", s.completedAt());
            return m;
        }).orElse(null));
        body.put("last_checkpoint_failure", c.lastCheckpointFailure().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", f.error());
            m.put("failed_at", f.failedAt());
            return m;
        }).orElse(null));
        body.put("checkpoint_sync", SyncEndpoints.statsSection(pipeline));
        body.put("inputs", c.endpoints().inputs().stream().map(i -> inputStatus(i, errors)).toList());
        body.put("outputs", c.endpoints().outputs().stream().map(o -> outputStatus(o, errors)).toList());
        ex.sendJson(200, body);
    }

    private Map<String, Object> globalMetrics(Controller c) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("state", c.state());
        g.put("bootstrap_in_progress", false);
        g.put("transaction_status", c.transactionStatus());
        g.put("transaction_id", c.transactionId());
        g.put("transaction_msecs", c.transactionAge().toMillis());
        g.put("transaction_records", c.transactionStatus() == Controller.TransactionStatus.NoTransaction ? 0 : c.bufferedRecords());
        Map<String, Object> initiators = new LinkedHashMap<>();
        initiators.put("transaction_id", c.transactionId() == 0 ? null : c.transactionId());
        initiators.put("initiated_by_api", switch (c.transactionStatus()) {
            case NoTransaction -> null;
            case TransactionInProgress -> "Started";
            case CommitInProgress -> "Committed";
        });
        initiators.put("initiated_by_connectors", Map.of());
        g.put("transaction_initiators", initiators);
        List<TimeSeries.Sample> samples = c.timeSeries().samples();
        g.put("rss_bytes", samples.isEmpty() ? null : samples.get(samples.size() - 1).m());
        g.put("cpu_msecs", cpuMillis());
        g.put("storage_bytes", samples.isEmpty() ? null : samples.get(samples.size() - 1).s());
        g.put("runtime_elapsed_msecs", c.stepTime().toMillis());
        g.put("start_time", startTime.getEpochSecond());
        g.put("uptime_msecs", Duration.between(startTime, Instant.now()).toMillis());
        g.put("incarnation_uuid", pipeline.incarnation().toString());
        g.put("buffered_input_records", c.bufferedRecords());
        g.put("total_input_records", c.counters().totalInputRecords());
        g.put("total_input_bytes", c.counters().totalInputBytes());
        g.put("total_processed_records", c.counters().totalProcessedRecords());
        // Outputs are handed over within the step that processes the input, so processed means completed.
        g.put("total_completed_records", c.counters().totalProcessedRecords());
        g.put("total_initiated_steps", c.completedSteps());
        g.put("total_completed_steps", c.completedSteps());
        List<InputEndpoint> inputs = c.endpoints().inputs();
        g.put("pipeline_complete", !inputs.isEmpty() && c.bufferedRecords() == 0 && inputs.stream().allMatch(InputEndpoint::endOfInput));
        return g;
    }

    private static Long cpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? null : nanos / 1_000_000;
        }
        return null;
    }

    /** {@code GET /stats/errors}: error counts per endpoint, and the most recent errors of each. */
    void errors(Exchange ex) throws IOException {
        Controller c = pipeline.controller();
        List<Map<String, Object>> inputs = c.endpoints().inputs().stream().map(i -> {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("endpoint_name", i.name());
            metrics.put("num_transport_errors", i.transportErrorCount());
            metrics.put("num_parse_errors", i.parseErrorCount());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metrics", metrics);
            m.put("parse_errors", i.recentParseErrors());
            m.put("transport_errors", i.recentTransportErrors());
            return m;
        }).toList();
        List<Map<String, Object>> outputs = c.endpoints().outputs().stream().map(o -> {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("endpoint_name", o.name());
            metrics.put("num_encode_errors", o.encodeErrorCount());
            metrics.put("num_transport_errors", o.transportErrorCount());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metrics", metrics);
            m.put("encode_errors", o.recentEncodeErrors());
            m.put("transport_errors", o.recentTransportErrors());
            return m;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", inputs);
        body.put("outputs", outputs);
        ex.sendJson(200, body);
    }

    /** Feldera's {@code InputEndpointStatus}; error lists only when asked. */
    static Map<String, Object> inputStatus(InputEndpoint i, boolean errors) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("total_bytes", i.totalBytes());
        metrics.put("total_records", i.totalRecords());
        metrics.put("buffered_records", i.bufferedRecords());
        metrics.put("num_transport_errors", i.transportErrorCount());
        metrics.put("num_parse_errors", i.parseErrorCount());
        metrics.put("end_of_input", i.endOfInput());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint_name", i.name());
        m.put("config", Map.of("stream", i.stream()));
        m.put("metrics", metrics);
        m.put("fatal_error", i.fatalError().orElse(null));
        if (errors) {
            m.put("parse_errors", i.recentParseErrors());
            m.put("transport_errors", i.recentTransportErrors());
        }
        m.put("paused", i.isPaused());
        m.put("barrier", false);
        return m;
    }

    /** Feldera's {@code OutputEndpointStatus}, plus {@code dropped_batches}; error lists only when asked. */
    static Map<String, Object> outputStatus(OutputEndpoint o, boolean errors) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("transmitted_records", o.transmittedRecords());
        metrics.put("transmitted_bytes", o.transmittedBytes());
        metrics.put("queued_records", o.queuedRecords());
        metrics.put("queued_batches", o.queuedBatches());
        metrics.put("buffered_records", 0);
        metrics.put("buffered_batches", 0);
        metrics.put("dropped_batches", o.droppedBatches());
        metrics.put("num_encode_errors", o.encodeErrorCount());
        metrics.put("num_transport_errors", o.transportErrorCount());
        metrics.put("total_processed_input_records", o.processedInputRecords());
        metrics.put("total_processed_steps", o.processedSteps());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint_name", o.name());
        m.put("config", Map.of("stream", o.stream()));
        m.put("metrics", metrics);
        m.put("fatal_error", o.fatalError().orElse(null));
        if (errors) {
            m.put("encode_errors", o.recentEncodeErrors());
            m.put("transport_errors", o.recentTransportErrors());
        }
        return m;
    }
}
