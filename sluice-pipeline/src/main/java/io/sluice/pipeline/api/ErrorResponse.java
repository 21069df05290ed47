package io.sluice.pipeline.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The uniform error body: {@code {"message", "error_code", "details"}}. */
public record ErrorResponse(
        @JsonProperty("message") String message,
        @JsonProperty("error_code") String errorCode,
        @JsonProperty("details") @JsonInclude(JsonInclude.Include.ALWAYS) Object details) {}
