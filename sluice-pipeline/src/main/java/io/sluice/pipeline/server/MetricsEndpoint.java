package io.sluice.pipeline.server;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.controller.ShutdownProgress;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: Prometheus text exposition. Every series carries {@code pipeline="<name>"}.
 * Record and step counters follow Feldera's names; the checkpoint and shutdown series are what an
 * operator sizes {@code terminationGracePeriodSeconds} from. It answers in every phase, also
 * during a shutdown, so a scraper sees the shutdown as it happens.
 */
final class MetricsEndpoint {
    private final Pipeline pipeline;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsEndpoint(Pipeline pipeline) {
        this.pipeline = pipeline;
        counter("records_input_total", "Records acknowledged by ingress.", c -> c.counters().totalInputRecords());
        counter("records_input_bytes_total", "Bytes of ingress bodies.", c -> c.counters().totalInputBytes());
        counter("records_processed_total", "Records processed by the circuit.", c -> c.counters().totalProcessedRecords());
        counter("dbsp_steps_total", "Completed circuit steps.", Controller::completedSteps);
        gauge("records_input_buffered", "Records queued for the next step.", c -> Optional.of((double) c.bufferedRecords()));
        gauge("checkpoint_last_duration_seconds", "Capture plus write time of the last committed checkpoint.",
                c -> c.lastCheckpoint().map(s -> seconds(s.captureTime().plus(s.writeTime()))));
        gauge("checkpoint_last_capture_seconds", "Time the pipeline was stopped to capture the last checkpoint.",
                c -> c.lastCheckpoint().map(s -> seconds(s.captureTime())));
        gauge("checkpoint_last_written_bytes", "Bytes the last checkpoint wrote (new batch files and its own files).",
                c -> c.lastCheckpoint().map(s -> (double) s.writtenBytes()));
        gauge("checkpoint_last_size_bytes", "Bytes the last checkpoint references in all.",
                c -> c.lastCheckpoint().map(s -> (double) s.sizeBytes()));
        SyncEndpoints.registerMetrics(registry, pipeline);
        GaugeWithCallback.builder().name("shutdown_in_progress").help("1 while a shutdown started by a signal runs.")
                .labelNames("pipeline", "signal", "stage")
                .callback(cb -> pipeline.view().shutdown().ifPresent(s -> cb.call(1, pipeline.name(), s.signal(), s.stage())))
                .register(registry);
        GaugeWithCallback.builder().name("shutdown_duration_seconds").help("Seconds since the shutdown signal arrived.")
                .labelNames("pipeline")
                .callback(cb -> pipeline.view().shutdown().map(MetricsEndpoint::elapsed).ifPresent(v -> cb.call(v, pipeline.name())))
                .register(registry);
    }

    private void counter(String name, String help, ToDoubleFunction<Controller> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("pipeline")
                .callback(cb -> pipeline.lastController().ifPresent(c -> cb.call(value.applyAsDouble(c), pipeline.name())))
                .register(registry);
    }

    private void gauge(String name, String help, Function<Controller, Optional<Double>> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("pipeline")
                .callback(cb -> pipeline.lastController().flatMap(value).ifPresent(v -> cb.call(v, pipeline.name())))
                .register(registry);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static double elapsed(ShutdownProgress s) {
        return seconds(Duration.between(Instant.parse(s.startedAt()), Instant.now()));
    }

    /** {@code ?format=prometheus} (the default) or {@code ?format=json}. */
    void handle(Exchange ex) throws IOException {
        String format = ex.param("format") == null ? "prometheus" : ex.param("format");
        switch (format) {
            case "prometheus" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                writer.write(out, registry.scrape());
                ex.send(200, writer.getContentType(), out.toByteArray());
            }
            case "json" -> ex.sendJson(200, json(registry.scrape()));
            default -> throw new SluiceException(ErrorCode.INVALID_PARAM, "metrics format must be prometheus or json, not '"
                    + format + "'", Map.of("error", "unsupported format"));
        }
    }

    /** Feldera's JSON form: {@code [{"key", "type", "description", "values": [{"labels", "value"}]}]}. */
    private static List<Map<String, Object>> json(MetricSnapshots snapshots) {
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (MetricSnapshot m : snapshots) {
            boolean counter = m instanceof CounterSnapshot;
            List<Map<String, Object>> values = new ArrayList<>();
            for (DataPointSnapshot point : m.getDataPoints()) {
                Map<String, String> labels = new TreeMap<>();
                point.getLabels().forEach(l -> labels.put(l.getName(), l.getValue()));
                double v = counter ? ((CounterSnapshot.CounterDataPointSnapshot) point).getValue()
                        : ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue();
                values.add(Map.of("labels", labels, "value", Double.isFinite(v) ? (Object) v : String.valueOf(v).toLowerCase(java.util.Locale.ROOT)));
            }
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("key", m.getMetadata().getPrometheusName() + (counter ? "_total" : ""));
            metric.put("type", counter ? "counter" : "gauge");
            metric.put("description", m.getMetadata().getHelp());
            metric.put("values", values);
            metrics.add(metric);
        }
        return metrics;
    }
}
