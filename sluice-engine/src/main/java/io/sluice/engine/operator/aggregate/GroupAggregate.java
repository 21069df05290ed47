package io.sluice.engine.operator.aggregate;

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
     * @param group the group's current values; empty only for the empty input of a global aggregate
     * @return the aggregate values, never null
     */
    Row apply(Row key, GroupValues group);
}
