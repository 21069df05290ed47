package io.sluice.engine.algebra;

/**
 * Reads a sorted, consolidated collection of (key, value, weight) entries, key by key and, within a
 * key, value by value. Operators only see data through this interface, so the layout behind it
 * (row arrays today, columns later) can change without touching them.
 */
public interface Cursor {
    /** True while the cursor points at a key. */
    boolean keyValid();

    /** True while the cursor points at a value of the current key. */
    boolean valValid();

    Row key();

    Row val();

    /** The weight of the current (key, value); never zero. */
    long weight();

    /** Moves to the next key, and to its first value. */
    void stepKey();

    /** Moves to the next value of the current key. */
    void stepVal();

    /** Moves forward to the first key at or after {@code key}. Never moves backwards. */
    void seekKey(Row key);

    /** Moves back to the first key. */
    void rewind();
}
