package io.sluice.engine.operator;

import io.sluice.engine.algebra.Batch;
import java.util.List;

/**
 * The computation of one circuit node: once per step it turns the deltas of its inputs into its
 * own delta. An operator belongs to the thread that steps its circuit.
 */
public interface Operator {
    /** A short name of the operator kind, part of the stable operator id, e.g. {@code "join"}. */
    String kind();

    /** Computes this step's output delta from this step's input deltas, in input order. */
    Batch evaluate(List<Batch> inputs);
}
