package io.sluice.pipeline.controller;

import io.sluice.pipeline.storage.CheckpointRecord;
import java.util.Optional;

/**
 * How a suspend ended.
 *
 * @param checkpoint the final checkpoint, when the suspend succeeded
 * @param error why it failed, otherwise
 */
public record SuspendOutcome(Optional<CheckpointRecord> checkpoint, Optional<String> error) {
    static SuspendOutcome succeeded(CheckpointRecord record) {
        return new SuspendOutcome(Optional.of(record), Optional.empty());
    }

    static SuspendOutcome failed(String error) {
        return new SuspendOutcome(Optional.empty(), Optional.of(error));
    }

    public boolean succeeded() {
        return checkpoint.isPresent();
    }
}
