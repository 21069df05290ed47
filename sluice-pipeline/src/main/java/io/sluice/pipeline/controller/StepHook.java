package io.sluice.pipeline.controller;

import java.io.IOException;
import java.util.List;

/**
 * Called by the circuit thread around steps; the exactly-once input journal implements it.
 */
public interface StepHook {
    /**
     * The circuit evaluated step {@code step} over {@code inputs} (the connector endpoints that had
     * records in it, each once); its outputs are handed over only after this returns. Not called for
     * steps without connector input. A failure stops the circuit: releasing output the journal does
     * not cover could not be made exactly-once.
     */
    void beforeRelease(long step, List<StepInput> inputs) throws IOException;

    /** A checkpoint of the state after step {@code step} committed; called on the checkpoint thread. */
    void checkpointCommitted(long step);
}
