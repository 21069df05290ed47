package io.sluice.pipeline.controller;

import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The named input and output endpoints of one controller, for {@code /stats} and
 * {@code /input_endpoints}, {@code /output_endpoints}. Lists come in registration order.
 *
 * <p>Thread safety: concurrent maps; registering and looking up happen on any thread.
 */
public final class EndpointRegistry {
    private final Map<String, InputEndpoint> inputs = new ConcurrentHashMap<>();
    private final Map<String, OutputEndpoint> outputs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Registers a configured input endpoint; a second one with the same name is a config error. */
    public InputEndpoint addInput(String name, String stream, boolean paused) {
        InputEndpoint endpoint = new InputEndpoint(ids.incrementAndGet(), name, stream, paused);
        if (inputs.putIfAbsent(name, endpoint) != null) {
            throw new SluiceException(ErrorCode.CONFIG_ERROR, "two input endpoints are named '" + name + "'",
                    Map.of("name", name));
        }
        return endpoint;
    }

    /** The input endpoint of that name, created on first use (HTTP ingress endpoints live as long as the controller). */
    public InputEndpoint inputFor(String name, String stream) {
        return inputs.computeIfAbsent(name, n -> new InputEndpoint(ids.incrementAndGet(), n, stream, false));
    }

    public OutputEndpoint addOutput(String name, String stream) {
        OutputEndpoint endpoint = new OutputEndpoint(ids.incrementAndGet(), name, stream);
        if (outputs.putIfAbsent(name, endpoint) != null) {
            throw new SluiceException(ErrorCode.CONFIG_ERROR, "two output endpoints are named '" + name + "'",
                    Map.of("name", name));
        }
        return endpoint;
    }

    public void removeOutput(OutputEndpoint endpoint) {
        outputs.remove(endpoint.name(), endpoint);
    }

    public Optional<InputEndpoint> input(String name) {
        return Optional.ofNullable(inputs.get(name));
    }

    public Optional<OutputEndpoint> output(String name) {
        return Optional.ofNullable(outputs.get(name));
    }

    /** The input endpoint of that name, or 404 UnknownInputEndpoint. */
    public InputEndpoint requireInput(String name) {
        return input(name).orElseThrow(() -> new SluiceException(ErrorCode.UNKNOWN_INPUT_ENDPOINT,
                "There is no input endpoint named '" + name + "'.", Map.of("endpoint_name", name)));
    }

    /** The output endpoint of that name, or 404 UnknownOutputEndpoint. */
    public OutputEndpoint requireOutput(String name) {
        return output(name).orElseThrow(() -> new SluiceException(ErrorCode.UNKNOWN_OUTPUT_ENDPOINT,
                "There is no output endpoint named '" + name + "'.", Map.of("endpoint_name", name)));
    }

    public List<InputEndpoint> inputs() {
        return inputs.values().stream().sorted(Comparator.comparingLong(InputEndpoint::id)).toList();
    }

    public List<OutputEndpoint> outputs() {
        return outputs.values().stream().sorted(Comparator.comparingLong(OutputEndpoint::id)).toList();
    }

    /** Input parse and transport errors plus output encode and transport errors, for {@code /status}. */
    public long errorCount() {
        long n = 0;
        for (InputEndpoint i : inputs.values()) {
            n += i.parseErrorCount() + i.transportErrorCount();
        }
        for (OutputEndpoint o : outputs.values()) {
            n += o.encodeErrorCount() + o.transportErrorCount();
        }
        return n;
    }
}
