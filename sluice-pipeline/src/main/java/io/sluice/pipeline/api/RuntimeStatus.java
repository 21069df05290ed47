package io.sluice.pipeline.api;

/**
 * What the pipeline is doing, as {@code GET /status} reports it. A shutdown in progress is reported
 * in {@code runtime_status_details.shutdown}, not as a status of its own, so clients written for
 * Feldera's process keep parsing the reply.
 */
public enum RuntimeStatus {
    Initializing, Standby, Paused, Running, Suspended
}
