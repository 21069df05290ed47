package io.sluice.engine.circuit;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.List;
import java.util.Map;

/**
 * A built circuit. One thread, the owner, calls {@link #append}, {@link #step}, {@link #capture}
 * and {@link #restore}; {@link #snapshot} may be called from any thread.
 */
public final class Circuit {
    private Circuit() {
    }

    public List<String> inputNames() {
        throw new UnsupportedOperationException();
    }

    public List<String> outputNames() {
        throw new UnsupportedOperationException();
    }

    /** Adds a change to the next step's input of table {@code input}. */
    public void append(String input, Row row, long weight) {
        throw new UnsupportedOperationException();
    }

    /** Runs one step over everything appended since the last one; returns each output's delta (empty batches included). */
    public Map<String, Batch> step() {
        throw new UnsupportedOperationException();
    }

    /** The number of completed steps, restored by {@link #restore}. */
    public long steps() {
        throw new UnsupportedOperationException();
    }

    /**
     * The contents of a materialized output after the last completed step, consolidated. Thread-safe:
     * it reads an immutable snapshot published at the end of each step.
     */
    public Batch snapshot(String output) {
        throw new UnsupportedOperationException();
    }

    /** Captures the state of every stateful operator between steps; cheap, since batches are immutable. */
    public CircuitState capture() {
        throw new UnsupportedOperationException();
    }

    /** Replaces the state of every stateful operator with {@code state}; call before the first step. */
    public void restore(CircuitState state) {
        throw new UnsupportedOperationException();
    }
}
