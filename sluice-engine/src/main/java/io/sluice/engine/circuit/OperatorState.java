package io.sluice.engine.circuit;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/**
 * The saved state of one stateful operator: the immutable batches it holds (written to storage
 * once, then referenced) and a small operator-specific byte string.
 *
 * @param operatorId stable id of the operator within the circuit, e.g. {@code "n7-join"}
 * @param batches the operator's batches, in the order the operator wants them back
 * @param metadata operator-specific bytes; may be empty
 */
public record OperatorState(String operatorId, List<Batch> batches, byte[] metadata) {
    public OperatorState {
        requireNonNull(operatorId, "operatorId is null");
        batches = List.copyOf(batches);
        metadata = metadata.clone();
    }
}
