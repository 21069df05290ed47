package io.sluice.engine.operator;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/**
 * A source without inputs whose integral is a fixed Z-set: it outputs the Z-set at the first step
 * and empty batches afterwards (a SQL {@code VALUES} list). State: whether it has emitted, so a
 * circuit restored from a checkpoint does not add the rows twice.
 */
public final class ConstantOperator implements StatefulOperator {
    private final Batch contents;
    private boolean emitted;

    public ConstantOperator(Batch contents) {
        this.contents = requireNonNull(contents, "contents is null");
    }

    @Override
    public String kind() {
        return "constant";
    }

    @Override
    public Batch evaluate(List<Batch> inputs) {
        if (emitted) {
            return Batch.empty();
        }
        emitted = true;
        return contents;
    }

    @Override
    public List<Batch> stateBatches() {
        return List.of();
    }

    @Override
    public byte[] stateMetadata() {
        return new byte[] {(byte) (emitted ? 1 : 0)};
    }

    @Override
    public void restoreState(List<Batch> batches, byte[] metadata) {
        emitted = metadata.length > 0 && metadata[0] == 1;
    }
}
