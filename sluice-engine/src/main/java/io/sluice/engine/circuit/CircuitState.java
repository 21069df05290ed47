package io.sluice.engine.circuit;

import java.util.List;

/**
 * The state of a whole circuit between two steps.
 *
 * @param steps completed steps
 * @param operators one entry per stateful operator
 */
public record CircuitState(long steps, List<OperatorState> operators) {
    public CircuitState {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0: " + steps);
        }
        operators = List.copyOf(operators);
    }
}
