package io.sluice.pipeline.server;

import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.InputEndpoint;
import io.sluice.pipeline.controller.Pipeline;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code /input_endpoints/{name}/...}, {@code /output_endpoints/{name}/stats}, and the transaction
 * endpoints {@code /start_transaction} and {@code /commit_transaction}.
 */
final class ConnectorEndpoints {
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final Pipeline pipeline;

    ConnectorEndpoints(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** {@code /input_endpoints/{name}/{action}} with action pause, start, stats or completion_token. */
    void input(Exchange ex, String name, String action) throws IOException {
        Controller c = pipeline.controller();
        InputEndpoint endpoint = c.endpoints().requireInput(name);
        switch (action) {
            case "pause" -> {
                endpoint.setPaused(true);
                ex.send(200, "application/json", new byte[0]);
            }
            case "start" -> {
                endpoint.setPaused(false);
                ex.send(200, "application/json", new byte[0]);
            }
            case "stats" -> ex.sendJson(200, StatsEndpoint.inputStatus(endpoint, true));
            case "completion_token" -> ex.sendJson(200,
                    Map.of("token", new CompletionToken(pipeline.incarnation(), endpoint.position()).encode()));
            default -> throw new IllegalArgumentException("action " + action);
        }
    }

    /** {@code /output_endpoints/{name}/stats}. */
    void outputStats(Exchange ex, String name) throws IOException {
        Controller c = pipeline.controller();
        ex.sendJson(200, StatsEndpoint.outputStatus(c.endpoints().requireOutput(name), true));
    }

    /** {@code POST /start_transaction}: 200 {@code {"transaction_id": n}}, or 409 TransactionInProgress. */
    void startTransaction(Exchange ex) throws IOException, InterruptedException {
        long id = await(pipeline.controller().startTransaction());
        ex.sendJson(200, Map.of("transaction_id", id));
    }

    /** {@code POST /commit_transaction}: 200 once the commit has begun, or 400 NoTransactionInProgress. */
    void commitTransaction(Exchange ex) throws IOException, InterruptedException {
        await(pipeline.controller().commitTransaction());
        ex.sendJson(200, "Transaction commit initiated");
    }

    private static long await(CompletableFuture<Long> reply) throws InterruptedException {
        try {
            return reply.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SluiceException se) {
                throw se;
            }
            throw new SluiceException(ErrorCode.INTERNAL, "transaction command failed: " + e.getCause(), null, e.getCause());
        } catch (TimeoutException e) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("error", "the circuit thread did not take the command within " + COMMAND_TIMEOUT_SECONDS + " s");
            throw new SluiceException(ErrorCode.INTERNAL, "the circuit thread is busy; try again", details);
        }
    }
}
