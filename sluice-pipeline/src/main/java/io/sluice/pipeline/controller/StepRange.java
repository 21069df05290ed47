package io.sluice.pipeline.controller;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a connector's pushed records sit in its source: the position before the first of them and
 * the position after the last (connector-specific JSON, e.g. a byte offset or per-partition
 * offsets). Resuming after {@code to} reads what follows them; {@code (from, to]} reads them again.
 */
public record StepRange(JsonNode from, JsonNode to) {
    public StepRange {
        java.util.Objects.requireNonNull(from, "from is null");
        java.util.Objects.requireNonNull(to, "to is null");
    }
}
