package io.sluice.pipeline.connector.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.ControllerState;
import io.sluice.pipeline.controller.InputEndpoint;
import io.sluice.pipeline.controller.StepRange;
import io.sluice.pipeline.format.Change;
import io.sluice.pipeline.format.ParsedInput;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The path from one input connector to the controller. {@link #awaitTurn} holds the connector back
 * while the pipeline or the endpoint is paused, while {@code max_queued_records} of its records
 * wait for a step (backpressure), and until the inputs it starts after are done.
 *
 * <p>Thread safety: used by the connector's one reading thread; the flags it reads are volatile.
 */
public final class Feed {
    private static final long WAIT_MILLIS = 20;

    private final Controller controller;
    private final InputEndpoint endpoint;
    private final long maxQueuedRecords;
    private final BooleanSupplier startAllowed;
    private volatile boolean closed;

    public Feed(Controller controller, InputEndpoint endpoint, long maxQueuedRecords, BooleanSupplier startAllowed) {
        this.controller = requireNonNull(controller, "controller is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.maxQueuedRecords = maxQueuedRecords;
        this.startAllowed = requireNonNull(startAllowed, "startAllowed is null");
    }

    public InputEndpoint endpoint() {
        return endpoint;
    }

    /** Waits until the connector may read more; false once the feed is closed. */
    public boolean awaitTurn() throws InterruptedException {
        while (!closed) {
            if (controller.state() == ControllerState.Terminated) {
                return false;
            }
            if (controller.state() == ControllerState.Running && !endpoint.isPaused()
                    && endpoint.bufferedRecords() < maxQueuedRecords && startAllowed.getAsBoolean()) {
                return true;
            }
            Thread.sleep(WAIT_MILLIS);
        }
        return false;
    }

    /** Hands over the good records of {@code parsed}, counts its bad ones, and tags them with their range. */
    public void push(ParsedInput parsed, JsonNode from, JsonNode to) {
        if (parsed.errorCount() > 0) {
            endpoint.recordParseErrors(parsed.errorCount(),
                    parsed.errors().stream().map(e -> describe(e)).toList());
        }
        push(parsed.changes(), parsed.bytes(), from, to);
    }

    /** Hands over {@code changes}; returns the input position after them (see {@link Controller#push(String, List, long)}). */
    public long push(List<Change> changes, long bytes, JsonNode from, JsonNode to) {
        return controller.push(endpoint, changes, bytes, new StepRange(from, to));
    }

    private static String describe(io.sluice.pipeline.format.ParseError e) {
        StringBuilder s = new StringBuilder();
        if (e.eventNumber() != null) {
            s.append("record ").append(e.eventNumber()).append(": ");
        }
        s.append(e.description());
        if (e.invalidText() != null) {
            s.append(" (").append(e.invalidText()).append(')');
        }
        return s.toString();
    }

    public boolean isClosed() {
        return closed;
    }

    public void close() {
        closed = true;
    }
}
