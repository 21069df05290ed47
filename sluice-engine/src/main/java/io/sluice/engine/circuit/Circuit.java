package io.sluice.engine.circuit;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.InputOperator;
import io.sluice.engine.operator.IntegrateOperator;
import io.sluice.engine.operator.StatefulOperator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A built circuit. One thread, the owner, calls {@link #append}, {@link #step}, {@link #capture}
 * and {@link #restore}; {@link #snapshot} may be called from any thread.
 *
 * <p>Design. The nodes are held in creation order, which is a valid evaluation order, and a step
 * evaluates each live node exactly once, feeding it this step's deltas of its inputs. Node i has the
 * id {@code "n<i>-<kind>"}, the same for every build of the same program, and that id names its
 * state in a {@link CircuitState}.
 *
 * <p>Invariants: between steps every stateful operator holds the integral of its inputs over all
 * completed steps, and its state is a list of immutable batches, so {@link #capture()} copies no
 * data. A step is atomic: if an operator throws, every operator is put back to its state before the
 * step (from a capture taken when the step began), the step's input is dropped, and the exception
 * propagates; the circuit can keep stepping. Materialized outputs publish their contents after the
 * last node ran, so {@link #snapshot} sees only completed steps.
 *
 * <p>Single-threaded for now; running one copy per worker with an exchange before each stateful
 * operator is issue 6.
 */
public final class Circuit {
    private final List<Node> nodes;
    private final Map<String, Integer> inputs;
    private final Map<String, Output> outputs;
    private final List<IntegrateOperator> materialized = new ArrayList<>();
    private long steps;

    Circuit(List<Node> nodes, Map<String, Integer> inputs, Map<String, Output> outputs) {
        this.nodes = List.copyOf(nodes);
        this.inputs = new LinkedHashMap<>(inputs);
        this.outputs = new LinkedHashMap<>(outputs);
        for (Output output : outputs.values()) {
            if (output.materialized) {
                materialized.add((IntegrateOperator) this.nodes.get(output.node).operator());
            }
        }
    }

    public List<String> inputNames() {
        return List.copyOf(inputs.keySet());
    }

    public List<String> outputNames() {
        return List.copyOf(outputs.keySet());
    }

    /** Adds a change to the next step's input of table {@code input}. */
    public void append(String input, Row row, long weight) {
        requireNonNull(row, "row is null");
        Integer node = inputs.get(requireNonNull(input, "input is null"));
        if (node == null) {
            throw new IllegalArgumentException("no input named " + input);
        }
        ((InputOperator) nodes.get(node).operator()).append(row, weight);
    }

    /** Runs one step over everything appended since the last one; returns each output's delta (empty batches included). */
    public Map<String, Batch> step() {
        CircuitState before = capture();
        Batch[] results = new Batch[nodes.size()];
        try {
            for (int i = 0; i < nodes.size(); i++) {
                Node node = nodes.get(i);
                if (node.live()) {
                    List<Batch> in = new ArrayList<>(node.inputs().length);
                    for (int input : node.inputs()) {
                        in.add(results[input]);
                    }
                    results[i] = node.operator().evaluate(in);
                }
            }
        } catch (RuntimeException | Error e) {
            restoreOperators(before);
            throw e;
        }
        steps++;
        for (IntegrateOperator view : materialized) {
            view.publish();
        }
        Map<String, Batch> deltas = new LinkedHashMap<>();
        outputs.forEach((name, output) -> deltas.put(name, results[output.node]));
        return deltas;
    }

    /** The number of completed steps, restored by {@link #restore}. */
    public long steps() {
        return steps;
    }

    /**
     * The contents of a materialized output after the last completed step, consolidated. Thread-safe:
     * it reads an immutable snapshot published at the end of each step.
     */
    public Batch snapshot(String output) {
        Output out = outputs.get(requireNonNull(output, "output is null"));
        if (out == null) {
            throw new IllegalArgumentException("no output named " + output);
        }
        if (!out.materialized) {
            throw new IllegalArgumentException("output " + output + " is not materialized");
        }
        return ((IntegrateOperator) nodes.get(out.node).operator()).snapshot();
    }

    /** Captures the state of every stateful operator between steps; cheap, since batches are immutable. */
    public CircuitState capture() {
        List<OperatorState> states = new ArrayList<>();
        for (Node node : nodes) {
            if (node.operator() instanceof StatefulOperator op) {
                states.add(new OperatorState(node.id(), op.stateBatches(), op.stateMetadata()));
            }
        }
        return new CircuitState(steps, states);
    }

    /** Replaces the state of every stateful operator with {@code state}; call before the first step. */
    public void restore(CircuitState state) {
        requireNonNull(state, "state is null");
        if (steps != 0) {
            throw new IllegalStateException("restore must come before the first step; steps = " + steps);
        }
        restoreOperators(state);
        steps = state.steps();
    }

    private void restoreOperators(CircuitState state) {
        Map<String, OperatorState> byId = new HashMap<>();
        for (OperatorState op : state.operators()) {
            if (byId.put(op.operatorId(), op) != null) {
                throw new IllegalArgumentException("state holds operator " + op.operatorId() + " twice");
            }
        }
        List<Runnable> restores = new ArrayList<>();
        for (Node node : nodes) {
            if (node.operator() instanceof StatefulOperator op) {
                OperatorState saved = byId.remove(node.id());
                if (saved == null) {
                    throw new IllegalArgumentException("state has no entry for operator " + node.id());
                }
                restores.add(() -> op.restoreState(saved.batches(), saved.metadata()));
            }
        }
        if (!byId.isEmpty()) {
            throw new IllegalArgumentException("state holds operators this circuit does not have: " + byId.keySet());
        }
        restores.forEach(Runnable::run);
    }

    /** An output: the node whose delta it is and whether that node integrates it. */
    record Output(int node, boolean materialized) {
    }
}
