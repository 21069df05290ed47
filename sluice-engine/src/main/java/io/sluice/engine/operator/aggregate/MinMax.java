package io.sluice.engine.operator.aggregate;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;

/**
 * MIN(col) and MAX(col) as {@link GroupAggregate}s: the least / greatest non-NULL value of the
 * column among the values with positive weight, or NULL when there is none (an empty group or only
 * NULLs). The result row holds that one value.
 *
 * <p>When the column is the first of the value row, the group's values are sorted by it, so MIN
 * stops at the first qualifying value and MAX at the last; otherwise the whole group is scanned.
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
    public Row apply(Row key, Batch group) {
        if (column == 0) {
            int n = group.size();
            for (int j = 0; j < n; j++) {
                int i = max ? n - 1 - j : j;
                Object v = group.val(i).get(0);
                if (v != null && group.weight(i) > 0) {
                    return Row.of(v);
                }
            }
            return Row.of((Object) null);
        }
        Object best = null;
        for (int i = 0; i < group.size(); i++) {
            Object v = group.val(i).get(column);
            if (v != null && group.weight(i) > 0 && (best == null || better(v, best))) {
                best = v;
            }
        }
        return Row.of(best);
    }

    /** Whether {@code candidate} beats {@code current}. */
    boolean better(Object candidate, Object current) {
        int c = Row.compareValues(candidate, current);
        return max ? c > 0 : c < 0;
    }
}
