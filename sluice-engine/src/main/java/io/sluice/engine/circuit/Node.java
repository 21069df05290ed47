package io.sluice.engine.circuit;

import io.sluice.engine.operator.Operator;

/**
 * One node of a built circuit: its stable id, its operator, the nodes it reads, and whether its
 * output is needed by an output (dead nodes are not evaluated).
 */
record Node(String id, Operator operator, int[] inputs, boolean live) {
}
