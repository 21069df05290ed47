package io.sluice.pipeline.connector.output;

import io.sluice.pipeline.controller.OutputSubscriber;

/**
 * A sink for one view's changes. Output connectors deliver each step's change before the circuit
 * thread goes on ({@link #onDelta} returns once it is written or published): so every step a
 * checkpoint covers was delivered, and a crash can only lose output the restart produces again.
 * A sink that cannot deliver (a broker outage) holds the pipeline back and reports the error,
 * rather than drop output.
 */
public interface OutputConnector extends OutputSubscriber, AutoCloseable {
    /**
     * Opens the sink before the first step. {@code resuming} is false on a fresh start (a file
     * sink then starts an empty file) and true when the pipeline resumes from storage.
     */
    void open(boolean resuming) throws Exception;

    @Override
    void close();
}
