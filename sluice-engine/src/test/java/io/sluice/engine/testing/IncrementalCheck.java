package io.sluice.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.circuit.Circuit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a change script through a circuit whose outputs are all materialized and checks, after every
 * step, that the integral of each output's deltas and its snapshot both equal a naive recompute
 * from the integrated inputs.
 */
public final class IncrementalCheck {
    private IncrementalCheck() {
    }

    public static void run(List<List<Integer>> script, Circuit circuit, ChangeScript.Domain domain,
            Function<List<Multiset>, Map<String, Multiset>> recompute) {
        List<String> inputs = circuit.inputNames();
        List<Multiset> tables = new ArrayList<>();
        inputs.forEach(name -> tables.add(new Multiset()));
        Map<String, Multiset> integrals = new HashMap<>();
        circuit.outputNames().forEach(name -> integrals.put(name, new Multiset()));
        for (int s = 0; s < script.size(); s++) {
            for (int code : script.get(s)) {
                ChangeScript.Change change = ChangeScript.decode(code, tables, domain);
                circuit.append(inputs.get(change.table()), change.row(), change.weight());
            }
            Map<String, Batch> deltas = circuit.step();
            assertThat(deltas.keySet()).isEqualTo(integrals.keySet());
            deltas.forEach((name, delta) -> integrals.get(name).addAll(delta));
            Map<String, Multiset> expected = recompute.apply(tables);
            for (String name : circuit.outputNames()) {
                assertThat(integrals.get(name).asMap()).as("integral of %s after step %d", name, s)
                        .isEqualTo(expected.get(name).asMap());
                assertThat(Multiset.of(circuit.snapshot(name)).asMap()).as("snapshot of %s after step %d", name, s)
                        .isEqualTo(expected.get(name).asMap());
            }
        }
    }
}
