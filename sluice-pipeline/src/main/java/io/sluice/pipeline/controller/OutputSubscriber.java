package io.sluice.pipeline.controller;

import io.sluice.engine.algebra.Batch;

/**
 * Receives the changes of one view, step by step. Called on the circuit thread, so implementations
 * must not block: they queue, and drop (and count) when their queue is full.
 */
public interface OutputSubscriber {
    /** The whole contents of a materialized view, before any change, when asked for with a snapshot. */
    void onSnapshot(Batch contents);

    /** The view's change in step {@code step}; never empty. */
    void onDelta(long step, Batch delta);

    /** No more changes will come: the pipeline stopped (after its final checkpoint, when there is one). May be called more than once. */
    void onEnd();
}
