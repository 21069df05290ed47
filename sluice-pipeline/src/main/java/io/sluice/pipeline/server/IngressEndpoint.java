package io.sluice.pipeline.server;

import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.ControllerState;
import io.sluice.pipeline.controller.IngressGate;
import io.sluice.pipeline.controller.InputEndpoint;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.format.InputFormat;
import io.sluice.pipeline.format.ParseError;
import io.sluice.pipeline.format.ParsedInput;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /ingress/{table}}: parses the whole body, then queues its good records in one
 * hand-over through the ingress gate, and only then answers 200 with a completion token. Parse
 * errors are answered 400 {@code ParseErrors} after the good records were queued. While the
 * pipeline is paused the request waits, unless {@code force=true}; it also waits while more than
 * {@link #MAX_QUEUED_RECORDS} records are queued (back-pressure). Once a suspend or shutdown has
 * begun, the request is refused with 503 {@code Suspending} and nothing of it is queued.
 *
 * <p>Each (table, format) pair is one input endpoint, named as Feldera names it,
 * {@code {table}.api-ingress-{hash}}, created on first use and kept for the controller's life. While
 * it is paused ({@code /input_endpoints/{name}/pause}) its requests wait like a paused pipeline's.
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
        InputEndpoint endpoint = controller.endpoints().inputFor(endpointName(table, ex), table.name());
        while (!gate.isClosed() && ((!force && (controller.state() == ControllerState.Paused || endpoint.isPaused()))
                || controller.bufferedRecords() >= MAX_QUEUED_RECORDS)) {
            Thread.sleep(10);
        }
        if (gate.isClosed()) {
            throw suspending();
        }
        ParsedInput parsed;
        try {
            parsed = format.parse(ex.body(), table);
        } catch (IOException e) {
            endpoint.recordTransportError("reading the request body failed: " + e);
            throw e;
        }
        if (!gate.tryEnter()) {
            throw suspending();
        }
        long position;
        try {
            if (controller.state() == ControllerState.Terminated) {
                throw new SluiceException(ErrorCode.TERMINATING, "The pipeline stopped while the request was read.");
            }
            position = controller.push(endpoint, parsed.changes(), parsed.bytes());
        } finally {
            gate.exit();
        }
        if (parsed.errorCount() > 0) {
            endpoint.recordParseErrors(parsed.errorCount(), parsed.errors().stream().map(IngressEndpoint::describe).toList());
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

    /** Feldera's name for the endpoint of a (table, format) pair: the table and a hash of the format's settings. */
    static String endpointName(Relation table, Exchange ex) {
        String format = ex.param("format") == null ? "csv" : ex.param("format");
        String settings = "format=" + format;
        if (format.equals("json")) {
            settings += "&update_format=" + (ex.param("update_format") == null ? "insert_delete" : ex.param("update_format"))
                    + "&array=" + ("true".equals(ex.param("array")) || "1".equals(ex.param("array")))
                    + "&lines=" + (ex.param("lines") == null ? "multiple" : ex.param("lines"));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((table.name() + "\n" + settings).getBytes(StandardCharsets.UTF_8));
            return table.name() + ".api-ingress-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(ParseError e) {
        return (e.eventNumber() == null ? "" : "event " + e.eventNumber() + ": ") + e.description();
    }

    private static SluiceException suspending() {
        return new SluiceException(ErrorCode.SUSPENDING,
                "The pipeline is suspending or shutting down and accepts no more input.");
    }
}
