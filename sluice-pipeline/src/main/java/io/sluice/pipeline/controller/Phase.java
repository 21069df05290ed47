package io.sluice.pipeline.controller;

/** The server-side phase of a pipeline; the three last ones are terminal. */
public enum Phase {
    /** Opening storage, restoring, first step. */
    INITIALIZING,
    /** Waiting in standby for {@code /activate}. */
    STANDBY,
    /** The controller exists and runs. */
    READY,
    INITIALIZATION_ERROR,
    FAILED,
    SUSPENDED
}
