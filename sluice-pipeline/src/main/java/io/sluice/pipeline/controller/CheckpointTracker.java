package io.sluice.pipeline.controller;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The outcome of {@code POST /checkpoint} requests for {@code GET /checkpoint_status}: the highest
 * sequence number that succeeded and the latest failure, which is kept.
 */
public final class CheckpointTracker {
    private long nextSequence;
    private Long success;
    private Failure failure;

    /** The latest failed checkpoint request. */
    public record Failure(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("error") String error,
            @JsonProperty("failed_at") String failedAt) {}

    /** The reply of {@code GET /checkpoint_status}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Status(@JsonProperty("success") Long success, @JsonProperty("failure") Failure failure) {}

    public synchronized long allocate() {
        return nextSequence++;
    }

    public synchronized void succeeded(long sequence) {
        if (success == null || sequence > success) {
            success = sequence;
        }
    }

    public synchronized void failed(long sequence, String error) {
        failure = new Failure(sequence, error, Instant.now().toString());
    }

    public synchronized Status status() {
        return new Status(success, failure);
    }
}
