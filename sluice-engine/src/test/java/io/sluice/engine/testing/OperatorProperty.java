package io.sluice.engine.testing;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.sluice.engine.circuit.Circuit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The two properties every operator must have, checked on random insert/delete scripts: after
 * each step the integral of every (materialized) output equals a naive recompute over the
 * integrated inputs, and a checkpoint/restore through the codec before a random step changes no
 * later output. Every example runs with 1, 2 and 4 workers: results must not depend on them.
 */
public final class OperatorProperty {
    private OperatorProperty() {
    }

    /** The worker counts every property runs with. */
    public static final List<Integer> WORKERS = List.of(1, 2, 4);

    /** @param program builds the circuit under test with the given number of workers */
    public static void check(int examples, IntFunction<Circuit> program, ChangeScript.Domain domain,
            Function<List<Multiset>, Map<String, Multiset>> recompute) {
        qt().withExamples(examples).forAll(ChangeScript.steps(10, 8), integers().between(0, 10))
                .checkAssert((script, stop) -> {
                    for (int workers : WORKERS) {
                        try (Circuit circuit = program.apply(workers)) {
                            IncrementalCheck.run(script, circuit, domain, recompute);
                        }
                        RestoreCheck.run(script, stop, () -> program.apply(workers), domain);
                    }
                });
    }
}
