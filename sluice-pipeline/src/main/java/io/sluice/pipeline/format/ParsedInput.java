package io.sluice.pipeline.format;

import java.util.Collections;
import java.util.List;

/**
 * The result of parsing one ingress body: the good changes, in order, and the records that failed.
 * The parser hands its list of changes over and does not touch it afterwards.
 *
 * @param bytes body bytes read
 */
public record ParsedInput(List<Change> changes, List<ParseError> errors, long errorCount, long bytes) {
    /** At most this many errors are listed; the rest are only counted. */
    public static final int MAX_LISTED_ERRORS = 1000;

    public ParsedInput {
        // Not copied: a body can hold millions of changes, and the parser hands its list over.
        changes = Collections.unmodifiableList(changes);
        errors = List.copyOf(errors);
    }
}
