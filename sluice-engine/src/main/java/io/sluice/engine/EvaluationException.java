package io.sluice.engine;

/** A runtime error in evaluating a step: arithmetic overflow, division by zero, a bad cast. */
public final class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvaluationException(String message) {
        super(message);
    }

    public EvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
