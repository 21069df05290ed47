package io.sluice.engine.testing;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.sluice.engine.circuit.Circuit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The two properties every operator must have, checked on random insert/delete scripts: after
 * each step the integral of every (materialized) output equals a naive recompute over the
 * integrated inputs, and a checkpoint/restore through the codec before a random step changes no
 * later output.
 */
public final class OperatorProperty {
    private OperatorProperty() {
    }

    public static void check(int examples, Supplier<Circuit> program, ChangeScript.Domain domain,
            Function<List<Multiset>, Map<String, Multiset>> recompute) {
        qt().withExamples(examples).forAll(ChangeScript.steps(10, 8), integers().between(0, 10))
                .checkAssert((script, stop) -> {
                    IncrementalCheck.run(script, program.get(), domain, recompute);
                    RestoreCheck.run(script, stop, program, domain);
                });
    }
}
