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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /ingress/{table}}: parses the whole body, then queues its good records in one
 * hand-over through the ingress gate, and only then answers 200 with a completion token. Parse
 * errors are answered 400 {@code ParseErrors} after the good records were queued. While the
 * pipeline is paused the request waits, unless {@code force=true}. Once a suspend or shutdown has
 * begun, the request is refused with 503 {@code Suspending} and nothing of it is queued.
 */
final class IngressEndpoint {
    private final Pipeline pipeline;
    private final AtomicLong tokens = new AtomicLong();

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
        while (!force && controller.state() == ControllerState.Paused && !gate.isClosed()) {
            Thread.sleep(50);
        }
        if (gate.isClosed()) {
            throw suspending();
        }
        ParsedInput parsed = format.parse(ex.body(), table);
        if (!gate.tryEnter()) {
            throw suspending();
        }
        try {
            if (controller.state() == ControllerState.Terminated) {
                throw new SluiceException(ErrorCode.TERMINATING, "The pipeline stopped while the request was read.");
            }
            controller.push(table.name(), parsed.changes(), parsed.bytes());
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
        ex.sendJson(200, Map.of("token", token(table.name(), parsed.changes().size())));
    }

    private static SluiceException suspending() {
        return new SluiceException(ErrorCode.SUSPENDING,
                "The pipeline is suspending or shutting down and accepts no more input.");
    }

    /** An opaque token naming this incarnation and request; clients must not parse it. */
    private String token(String table, int records) {
        String json = "{\"u\":\"" + pipeline.incarnation() + "\",\"t\":\"" + table.replace("\"", "") + "\",\"n\":"
                + tokens.incrementAndGet() + ",\"c\":" + records + "}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
