package io.sluice.pipeline.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One record that could not be parsed, in Feldera's {@code ParseError} shape.
 *
 * @param description what is wrong, for a person
 * @param eventNumber 1-based position of the record in the request body
 * @param field the column, when the problem is one value
 * @param invalidText the offending text, shortened
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParseError(
        @JsonProperty("description") String description,
        @JsonProperty("event_number") Long eventNumber,
        @JsonProperty("field") String field,
        @JsonProperty("invalid_text") String invalidText) {
    static final int MAX_TEXT = 200;

    static ParseError of(long eventNumber, String field, String description, String invalidText) {
        String text = invalidText == null || invalidText.length() <= MAX_TEXT
                ? invalidText : invalidText.substring(0, MAX_TEXT) + "...";
        return new ParseError(description, eventNumber, field, text);
    }
}
