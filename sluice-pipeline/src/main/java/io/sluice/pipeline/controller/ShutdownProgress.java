package io.sluice.pipeline.controller;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A shutdown in progress, as {@code /status} reports it in {@code runtime_status_details.shutdown}.
 *
 * @param signal the signal that started it ({@code SIGTERM}, {@code SIGINT})
 * @param stage {@code checkpointing}, then {@code draining}
 * @param startedAt ISO-8601 time the signal arrived
 * @param checkpointMsecs how long the final checkpoint took, once it is committed
 * @param syncPushMsecs how long pushing it to the object store took, once pushed (with sync configured)
 * @param syncPushError why that push failed, if it did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShutdownProgress(
        @JsonProperty("signal") String signal,
        @JsonProperty("stage") String stage,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("checkpoint_msecs") Long checkpointMsecs,
        @JsonProperty("sync_push_msecs") Long syncPushMsecs,
        @JsonProperty("sync_push_error") String syncPushError) {
    public ShutdownProgress(String signal, String stage, String startedAt) {
        this(signal, stage, startedAt, null, null, null);
    }

    public ShutdownProgress withStage(String next) {
        return new ShutdownProgress(signal, next, startedAt, checkpointMsecs, syncPushMsecs, syncPushError);
    }

    public ShutdownProgress withCheckpoint(long msecs) {
        return new ShutdownProgress(signal, stage, startedAt, msecs, syncPushMsecs, syncPushError);
    }

    public ShutdownProgress withSyncPush(long msecs, String error) {
        return new ShutdownProgress(signal, stage, startedAt, checkpointMsecs, msecs, error);
    }
}
