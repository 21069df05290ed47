package io.sluice.pipeline.controller;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A shutdown in progress, as {@code /status} reports it in {@code runtime_status_details.shutdown}.
 *
 * @param signal the signal that started it ({@code SIGTERM}, {@code SIGINT})
 * @param stage {@code checkpointing}, then {@code draining}
 * @param startedAt ISO-8601 time the signal arrived
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShutdownProgress(
        @JsonProperty("signal") String signal,
        @JsonProperty("stage") String stage,
        @JsonProperty("started_at") String startedAt) {
    public ShutdownProgress withStage(String next) {
        return new ShutdownProgress(signal, next, startedAt);
    }
}
