package io.sluice.engine.operator;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.trace.Spine;
import java.util.List;

/**
 * Keeps the running sum of its input (a materialized view) and passes each delta through.
 *
 * <p>Concurrency: the circuit thread inserts and calls {@link #publish()} at the end of a step;
 * {@link #snapshot()} may run on any thread. It reads a volatile reference to an immutable view
 * (the list of immutable batches at the last publish), consolidated lazily by the first reader.
 */
public final class IntegrateOperator implements StatefulOperator {
    private Spine trace = new Spine();
    private volatile View published = new View(List.of());

    @Override
    public String kind() {
        return "integrate";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch delta = inputs.get(0);
        trace.insert(delta);
        return delta;
    }

    /** Makes the current contents visible to {@link #snapshot()}. */
    public void publish() {
        if (published.batches != trace.batches()) {
            published = new View(trace.batches());
        }
    }

    /** The contents at the last {@link #publish()}, consolidated. Thread-safe. */
    public Batch snapshot() {
        return published.consolidated();
    }

    @Override
    public List<Batch> stateBatches() {
        return trace.batches();
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[0];
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        trace = Spine.of(batches);
        publish();
    }

    private static final class View {
        private final List<Batch> batches;
        private volatile Batch consolidated;

        View(List<Batch> batches) {
            this.batches = batches;
        }

        Batch consolidated() {
            Batch c = consolidated;
            if (c == null) {
                c = Spine.consolidate(batches);
                consolidated = c;
            }
            return c;
        }
    }
}
