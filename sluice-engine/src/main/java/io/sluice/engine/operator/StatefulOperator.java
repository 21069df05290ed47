package io.sluice.engine.operator;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/**
 * An operator that keeps state across steps. Its whole state is a list of immutable batches plus a
 * few metadata bytes, so capturing it copies no data and a checkpoint can reference batches that
 * an earlier checkpoint already wrote.
 */
public interface StatefulOperator extends Operator {
    /** The batches that hold the state, in the order {@link #restoreState} wants them back. */
    List<Batch> stateBatches();

    /** Small operator-specific bytes; empty for most operators. */
    byte[] stateMetadata();

    /** Replaces the state with a previously captured one. */
    void restoreState(List<Batch> batches, byte[] metadata);
}
