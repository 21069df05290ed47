package io.sluice.pipeline.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.connector.input.ClockInput;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.Pipeline;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /clock/advance {"delta_ms": n}}: moves the HTTP-driven clock of a program that uses
 * NOW() ({@code dev_tweaks.now_http_driven}) and answers once the step that took the move has
 * completed, so a query right after it sees the new time.
 */
final class ClockEndpoint {
    /** A transaction holds steps back; the answer does not wait for its commit longer than this. */
    private static final long MAX_WAIT_MILLIS = 10_000;

    private final Pipeline pipeline;

    ClockEndpoint(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    void advance(Exchange ex) throws IOException, InterruptedException {
        if (!pipeline.program().usesClock()) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "the program does not use NOW(), so it has no clock to "
                    + "advance", Map.of("error", "no clock"));
        }
        Long delta = deltaMs(ex);
        Controller controller = pipeline.controller();
        ClockInput clock = pipeline.clock().orElseThrow(
                () -> new SluiceException(ErrorCode.INITIALIZING, "The pipeline is initializing."));
        ClockInput.Reading reading;
        try {
            reading = clock.advance(delta);
        } catch (IllegalStateException | IllegalArgumentException | ArithmeticException e) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "cannot advance the clock: " + e.getMessage(),
                    Map.of("error", String.valueOf(e.getMessage())));
        }
        long deadline = System.nanoTime() + MAX_WAIT_MILLIS * 1_000_000;
        while (controller.counters().totalProcessedRecords() < reading.position() && System.nanoTime() < deadline
                && controller.failure().isEmpty()) {
            Thread.sleep(2);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("now_ms", reading.nowMs());
        body.put("now", Instant.ofEpochMilli(reading.nowMs()).toString());
        ex.sendJson(200, body);
    }

    /** The body's {@code delta_ms}: a non-negative integer, or null / absent / an empty body for "to the wall clock". */
    private static Long deltaMs(Exchange ex) throws IOException {
        byte[] bytes = ex.body().readAllBytes();
        if (bytes.length == 0) {
            return null;
        }
        JsonNode body;
        try {
            body = Exchange.JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw badBody("the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || body.isMissingNode()) {
            return null;
        }
        if (!body.isObject()) {
            throw badBody("the body must be an object such as {\"delta_ms\": 1000}");
        }
        JsonNode d = body.get("delta_ms");
        if (d == null || d.isNull()) {
            return null;
        }
        if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
            throw badBody("delta_ms must be a non-negative integer of milliseconds, not " + d);
        }
        return d.asLong();
    }

    private static SluiceException badBody(String message) {
        return new SluiceException(ErrorCode.INVALID_PARAM, message, Map.of("error", "invalid body"));
    }
}
