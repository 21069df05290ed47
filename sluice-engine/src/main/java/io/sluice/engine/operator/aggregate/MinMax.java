package io.sluice.engine.operator.aggregate;

import io.sluice.engine.algebra.Row;

/**
 * MIN(col) and MAX(col) as {@link GroupAggregate}s: the least / greatest non-NULL value of the
 * column among the values with positive weight, or NULL when there is none (an empty group or only
 * NULLs). The result row holds that one value.
 *
 * <p>When the column is the first of the value row, the group's values are sorted by it, so MIN
 * walks up from the least value and MAX down from the greatest and both stop at the first that
 * qualifies; otherwise the whole group is scanned.
 */
public record MinMax(boolean max, int column) implements GroupAggregate {
    public MinMax {
        if (column < 0) {
            throw new IllegalArgumentException("column must be >= 0: " + column);
        }
    }

    public static MinMax min(int column) {
        return new MinMax(false, column);
    }

    public static MinMax max(int column) {
        return new MinMax(true, column);
    }

    @Override
    public Row apply(Row key, GroupValues group) {
        Object[] best = new Object[1];
        if (column == 0) {
            group.scan(max, (val, weight) -> {
                if (val.get(0) != null && weight > 0) {
                    best[0] = val.get(0);
                    return false;
                }
                return true;
            });
        } else {
            group.scan(false, (val, weight) -> {
                Object v = val.get(column);
                if (v != null && weight > 0 && (best[0] == null || better(v, best[0]))) {
                    best[0] = v;
                }
                return true;
            });
        }
        return Row.of(best[0]);
    }

    /** Whether {@code candidate} beats {@code current}. */
    boolean better(Object candidate, Object current) {
        int c = Row.compareValues(candidate, current);
        return max ? c > 0 : c < 0;
    }
}
