package io.sluice.pipeline.server;

import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.controller.TimeSeries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /time_series}: the last 60 one-second samples, {@code {"now", "samples": [{"t", "r", "m", "s"}]}}.
 * {@code GET /time_series_stream}: the same samples as NDJSON, then one line per new sample; it
 * ends when the pipeline stops.
 */
final class TimeSeriesEndpoint {
    /** How long the stream waits for a sample before checking the client and the pipeline again. */
    private static final long WAIT_MS = 3000;

    private final Pipeline pipeline;

    TimeSeriesEndpoint(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    void snapshot(Exchange ex) throws IOException {
        TimeSeries series = pipeline.controller().timeSeries();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("now", System.currentTimeMillis());
        body.put("samples", series.samples());
        ex.sendJson(200, body);
    }

    void stream(Exchange ex) throws IOException, InterruptedException {
        Controller c = pipeline.controller();
        TimeSeries series = c.timeSeries();
        ex.startStream("application/x-ndjson");
        List<TimeSeries.Sample> batch = series.samples();
        long last = Long.MIN_VALUE;
        ex.writeChunk(new byte[0]);
        while (!series.isStopped()) {
            if (!batch.isEmpty()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (TimeSeries.Sample s : batch) {
                    out.write(Exchange.JSON.writeValueAsBytes(s));
                    out.write('\n');
                }
                ex.writeChunk(out.toByteArray());
                last = batch.get(batch.size() - 1).t();
            }
            batch = series.awaitAfter(last, WAIT_MS);
        }
        ex.endStream();
    }
}
