package io.sluice.sql.lower;

/** A plan or expression that Sluice cannot lower; the caller adds the SQL position. */
public final class UnsupportedPlanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedPlanException(String message) {
        super(message);
    }
}
