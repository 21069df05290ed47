package io.sluice.pipeline.format;

/** A value that does not fit its column; the message says why. */
final class ValueParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ValueParseException(String message) {
        super(message);
    }
}
