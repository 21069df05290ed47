package io.sluice.engine.operator.time;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.trace.Spine;
import java.util.function.UnaryOperator;

/**
 * Which part of a stateful operator's trace a waterline lets it forget.
 *
 * <p>The waterline W of an input with LATENESS is a lower bound on the timestamps of every future
 * change (see {@link WaterlineOperator}). If the column {@code column} of a trace's key
 * ({@link Target#KEY}) or value ({@link Target#VALUE}) only ever receives values at or above
 * {@code bound(W)} from now on, entries whose column is below {@code bound(W)} can never be looked
 * up or retracted again, so the trace drops them (lazily, while it merges, see
 * {@link Spine#retain}). Choosing a column and bound for which that holds is the caller's proof
 * obligation: for a TUMBLE window, {@code window_end} with the identity bound is safe, since a row
 * with timestamp t >= W lands in a window that ends after W. NULL values are never dropped.
 *
 * <p>Forgetting is not deleting: the operator emits no retraction for what it forgets, so outputs
 * keep the rows computed before.
 *
 * @param target whether {@code column} indexes the key or the value of the trace's entries
 * @param column the column compared against the bound
 * @param bound maps the waterline to the smallest value that must be kept
 * @param input the position, among the operator's inputs, of the waterline stream
 */
public record Retention(Target target, int column, UnaryOperator<Object> bound, int input) {
    public enum Target {
        KEY, VALUE
    }

    public Retention {
        requireNonNull(target, "target is null");
        requireNonNull(bound, "bound is null");
        if (column < 0) {
            throw new IllegalArgumentException("column must be >= 0: " + column);
        }
        if (input < 0) {
            throw new IllegalArgumentException("input must be >= 0: " + input);
        }
    }

    /**
     * Installs on {@code trace} the filter for the waterline in {@code waterline} (a stream value
     * from {@link WaterlineOperator}); does nothing while no waterline is known yet.
     */
    public void apply(Batch waterline, Spine trace) {
        Object w = WaterlineOperator.value(waterline);
        if (w == null) {
            return;
        }
        Object min = requireNonNull(bound.apply(w), "retention bound is null");
        trace.retain(target == Target.KEY ? (key, val) -> keep(key, min) : (key, val) -> keep(val, min));
    }

    private boolean keep(Row row, Object min) {
        Object v = row.get(column);
        return v == null || Row.compareValues(v, min) >= 0;
    }
}
