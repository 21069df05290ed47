package io.sluice.pipeline.server;

import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.ControllerState;
import io.sluice.pipeline.controller.IngressGate;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.format.InputFormat;
import io.sluice.pipeline.format.ParsedInput;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /ingress/{table}}: parses the whole body, then queues its good records in one
 * hand-over through the ingress gate, and only then answers 200 with a completion token. Parse
 * errors are answered 400 {@code ParseErrors} after the good records were queued. While the
 * pipeline is paused the request waits, unless {@code force=true}; it also waits while more than
 * {@link #MAX_QUEUED_RECORDS} records are queued (back-pressure). Once a suspend or shutdown has
 * begun, the request is refused with 503 {@code Suspending} and nothing of it is queued.
 */
final class IngressEndpoint {
    /**
     * Back-pressure: a request waits while this many records are queued and not yet processed, so a
     * fast client cannot fill the heap faster than the circuit drains it.
     */
    static final long MAX_QUEUED_RECORDS = 1_000_000;

    private final Pipeline pipeline;

    IngressEndpoint(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    void handle(Exchange ex, String tableName) throws IOException, InterruptedException {
        Controller controller = pipeline.controller();
        IngressGate gate = pipeline.ingressGate();
        Relation table = pipeline.program().table(tableName).orElseThrow(() -> new SluiceException(
                ErrorCode.UNKNOWN_INPUT_STREAM, "There is no table named '" + tableName + "' in the program.",
                Map.of("name", tableName)));
        InputFormat format = InputFormat.fromQuery(ex::param);
        boolean force = ex.booleanParam("force");
        while (!gate.isClosed() && ((!force && controller.state() == ControllerState.Paused)
                || controller.bufferedRecords() >= MAX_QUEUED_RECORDS)) {
            Thread.sleep(10);
        }
        if (gate.isClosed()) {
            throw suspending();
        }
        ParsedInput parsed = format.parse(ex.body(), table);
        if (!gate.tryEnter()) {
            throw suspending();
        }
        long position;
        try {
            if (controller.state() == ControllerState.Terminated) {
                throw new SluiceException(ErrorCode.TERMINATING, "The pipeline stopped while the request was read.");
            }
            position = controller.push(table.name(), parsed.changes(), parsed.bytes());
        } finally {
            gate.exit();
        }
        if (parsed.errorCount() > 0) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("num_errors", parsed.errorCount());
            details.put("errors", parsed.errors());
            throw new SluiceException(ErrorCode.PARSE_ERRORS, "Errors parsing input data (" + parsed.errorCount()
                    + " errors); " + parsed.changes().size() + " records were ingested.", details);
        }
        ex.sendJson(200, Map.of("token", new CompletionToken(pipeline.incarnation(), position).encode()));
    }

    /**
     * {@code GET /completion_status?token=}: {@code complete} once the token's records, and every
     * record acknowledged before them, were processed and their outputs handed to the egress streams.
     */
    void completionStatus(Exchange ex) throws IOException {
        Controller controller = pipeline.controller();
        String param = ex.param("token");
        if (param == null) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "missing parameter token", Map.of("error", "missing token"));
        }
        CompletionToken token = CompletionToken.decode(param);
        if (!token.incarnation().equals(pipeline.incarnation())) {
            throw new SluiceException(ErrorCode.PIPELINE_RESTARTED, "the token was issued before the pipeline restarted;"
                    + " records it covers may not be in the restored state", Map.of("incarnation_uuid", token.incarnation().toString()));
        }
        boolean complete = controller.counters().totalProcessedRecords() >= token.position();
        ex.sendJson(200, Map.of("status", complete ? "complete" : "inprogress"));
    }

    private static SluiceException suspending() {
        return new SluiceException(ErrorCode.SUSPENDING,
                "The pipeline is suspending or shutting down and accepts no more input.");
    }
}
