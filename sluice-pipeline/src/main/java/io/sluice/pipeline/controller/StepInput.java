package io.sluice.pipeline.controller;

import static java.util.Objects.requireNonNull;

import io.sluice.pipeline.format.Change;
import java.util.List;

/**
 * What one connector endpoint contributed to one step: its records in order, and the source range
 * they came from (the {@code from} of its first push and the {@code to} of its last).
 */
public record StepInput(InputEndpoint endpoint, List<Change> changes, StepRange range) {
    public StepInput {
        requireNonNull(endpoint, "endpoint is null");
        changes = List.copyOf(changes);
        requireNonNull(range, "range is null");
    }
}
