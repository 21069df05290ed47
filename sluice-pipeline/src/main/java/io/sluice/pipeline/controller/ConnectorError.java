package io.sluice.pipeline.controller;

import static java.util.Objects.requireNonNull;

/**
 * One error an endpoint met, as {@code /stats} lists it.
 *
 * @param timestamp when it happened (ISO-8601)
 * @param index 1-based number of this error among the endpoint's errors of the same kind
 * @param tag the kind of error ({@code parse}, {@code transport}, {@code encode})
 * @param message what went wrong, for a person
 */
public record ConnectorError(String timestamp, long index, String tag, String message) {
    public ConnectorError {
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(message, "message is null");
    }
}
