package io.sluice.engine.operator;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/**
 * z^-1: outputs the previous step's input, and an empty batch at the first step. Applied to a
 * stream of deltas it delays the deltas; applied to an integral it reads the integral as of before
 * the step. State: the last input batch.
 */
public final class DelayOperator implements StatefulOperator {
    private Batch previous = Batch.empty();

    @Override
    public String kind() {
        return "delay";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        Batch out = previous;
        previous = inputs.get(0);
        return out;
    }

    @Override
    public List<Batch> stateBatches() {
        return previous.isEmpty() ? List.of() : List.of(previous);
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[0];
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        if (batches.size() > 1) {
            throw new IllegalArgumentException("delay state is at most one batch: " + batches.size());
        }
        previous = batches.isEmpty() ? Batch.empty() : batches.get(0);
    }
}
