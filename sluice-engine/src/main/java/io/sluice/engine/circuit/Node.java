package io.sluice.engine.circuit;

import io.sluice.engine.operator.Operator;

/**
 * One node of a built circuit: its stable id, its operator, the nodes it reads, whether its output
 * is needed by an output (dead nodes are not evaluated), and how its first {@code keyed} inputs are
 * exchanged between workers before it.
 */
record Node(String id, Operator operator, int[] inputs, boolean live, Exchange exchange, int keyed) {
}
