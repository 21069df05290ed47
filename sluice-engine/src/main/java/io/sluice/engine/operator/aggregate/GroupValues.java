package io.sluice.engine.operator.aggregate;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.trace.Spine;

/**
 * The current values of one group, read in place from the operator's trace: each distinct value
 * with its weight (non-zero; negative only if the input deleted more than it inserted), in value
 * order. A walk may stop early, which is what makes MIN and MAX cheap on value-sorted groups.
 */
public interface GroupValues {
    /** Walks the values ascending (or descending) until {@code visitor} returns false. */
    void scan(boolean descending, Spine.ValueVisitor visitor);

    /** True when the group has no value with a non-zero weight. */
    default boolean isEmpty() {
        boolean[] any = new boolean[1];
        scan(false, (val, weight) -> {
            any[0] = true;
            return false;
        });
        return !any[0];
    }

    /** The values of a group with none, for the empty input of a global aggregate. */
    static GroupValues none() {
        return (descending, visitor) -> { };
    }

    /** The group {@code key} of {@code trace}. */
    static GroupValues of(Spine trace, Row key) {
        return (descending, visitor) -> trace.scanValues(key, descending, visitor);
    }
}
