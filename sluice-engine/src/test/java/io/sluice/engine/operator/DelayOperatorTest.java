package io.sluice.engine.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.RestoreCheck;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DelayOperatorTest {
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 5));

    private static Circuit program() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        b.output("delayed", t.delay(), true);
        b.output("twice", t.delay().delay(), false);
        return b.build();
    }

    @Test
    void delayOutputsThePreviousDeltaAndSurvivesRestore() {
        qt().withExamples(150).forAll(ChangeScript.steps(10, 8), integers().between(0, 10)).checkAssert((script, stop) -> {
            List<List<ChangeScript.Change>> steps = RestoreCheck.decode(script, 1, DOMAIN);
            Circuit c = program();
            Multiset previousIntegral = new Multiset();
            Multiset integral = new Multiset();
            Batch previousDelta = Batch.empty();
            Batch beforePrevious = Batch.empty();
            for (List<ChangeScript.Change> step : steps) {
                Map<String, Batch> out = RestoreCheck.step(c, step);
                Batch.Builder delta = Batch.builder();
                for (ChangeScript.Change change : step) {
                    delta.add(change.row(), change.weight());
                    integral.add(change.row(), change.weight());
                }
                assertThat(out.get("delayed")).isEqualTo(previousDelta);
                assertThat(out.get("twice")).isEqualTo(beforePrevious);
                assertThat(Multiset.of(c.snapshot("delayed")).asMap()).isEqualTo(previousIntegral.asMap());
                beforePrevious = previousDelta;
                previousDelta = delta.build();
                previousIntegral.addAll(previousDelta);
            }
            RestoreCheck.run(script, stop, DelayOperatorTest::program, DOMAIN);
        });
    }
}
