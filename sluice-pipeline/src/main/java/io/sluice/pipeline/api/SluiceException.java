package io.sluice.pipeline.api;

import static java.util.Objects.requireNonNull;

/** The one exception type that carries an {@link ErrorCode} to the edge, where it becomes an HTTP answer or a log line. */
public final class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final transient Object details;

    public SluiceException(ErrorCode errorCode, String message, Object details) {
        super(message);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        this.details = details;
    }

    public SluiceException(ErrorCode errorCode, String message, Object details, Throwable cause) {
        super(message, cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        this.details = details;
    }

    public SluiceException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** JSON-serializable details (a map, a list, a string or null). */
    public Object details() {
        return details;
    }

    public ErrorResponse toResponse() {
        return new ErrorResponse(getMessage(), errorCode.code(), details);
    }
}
