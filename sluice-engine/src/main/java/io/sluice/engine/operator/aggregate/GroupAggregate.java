package io.sluice.engine.operator.aggregate;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;

/**
 * An aggregate that needs the values of the whole group, recomputed by
 * {@link GeneralAggregateOperator} for every group a step touches.
 */
@FunctionalInterface
public interface GroupAggregate {
    /**
     * The aggregate values of one group.
     *
     * @param key the group key
     * @param group the group's current contents: a consolidated batch whose entries all have key
     *     {@code key}, values in ascending row order, weights non-zero (negative only if the input
     *     deleted more than it inserted); empty for the empty input of a global aggregate
     * @return the aggregate values, never null
     */
    Row apply(Row key, Batch group);
}
