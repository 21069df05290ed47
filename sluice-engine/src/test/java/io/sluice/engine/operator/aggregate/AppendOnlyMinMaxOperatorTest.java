package io.sluice.engine.operator.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.storage.CircuitStateCodec;
import io.sluice.engine.storage.InMemoryStateStore;
import io.sluice.engine.testing.Multiset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppendOnlyMinMaxOperatorTest {
    /** Row number n: (g, x) with g in 0..2, x in -3..3 or NULL. */
    private static Row row(int n) {
        int code = (n / 3) % 8;
        return Row.of(n % 3, code == 7 ? null : code - 3);
    }

    private static Circuit program() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream byGroup = b.input("t").indexBy(r -> Row.of(r.get(0)), r -> r);
        b.output("min", byGroup.appendOnlyMinMax(MinMax.min(1), null), true);
        b.output("max", byGroup.appendOnlyMinMax(MinMax.max(1), null), true);
        return b.build();
    }

    private static Multiset naive(Map<Integer, List<Integer>> groups, boolean max) {
        Multiset out = new Multiset();
        groups.forEach((g, xs) -> {
            Integer best = null;
            for (Integer x : xs) {
                if (x != null && (best == null || (max ? x > best : x < best))) {
                    best = x;
                }
            }
            out.add(Row.of(g, best), 1);
        });
        return out;
    }

    @Test
    void appendOnlyMinMaxEqualsRecomputeAndSurvivesRestore() {
        qt().withExamples(200).forAll(lists().of(lists().of(integers().between(0, 1000)).ofSizeBetween(0, 6))
                .ofSizeBetween(1, 10), integers().between(0, 10)).checkAssert((script, stop) -> {
                    Circuit c = program();
                    Circuit restored = program();
                    Map<Integer, List<Integer>> groups = new HashMap<>();
                    Multiset min = new Multiset();
                    Multiset max = new Multiset();
                    for (int s = 0; s < script.size(); s++) {
                        if (s == stop) {
                            restored = restore(restored);
                        }
                        for (int n : script.get(s)) {
                            Row r = row(n);
                            c.append("t", r, 1);
                            restored.append("t", r, 1);
                            groups.computeIfAbsent((Integer) r.get(0), g -> new ArrayList<>()).add((Integer) r.get(1));
                        }
                        Map<String, Batch> out = c.step();
                        assertThat(restored.step()).isEqualTo(out);
                        min.addAll(out.get("min"));
                        max.addAll(out.get("max"));
                        assertThat(min.asMap()).isEqualTo(naive(groups, false).asMap());
                        assertThat(max.asMap()).isEqualTo(naive(groups, true).asMap());
                    }
                });
    }

    private static Circuit restore(Circuit circuit) {
        try {
            InMemoryStateStore store = new InMemoryStateStore();
            Circuit fresh = program();
            fresh.restore(CircuitStateCodec.readManifest(CircuitStateCodec.writeManifest(circuit.capture(), store), store));
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aDeletionIsAnErrorAndTheStepIsRolledBack() {
        Circuit c = program();
        c.append("t", Row.of(1, 5), 1);
        c.step();
        c.append("t", Row.of(1, 2), 1);
        c.append("t", Row.of(1, 5), -1);
        assertThatThrownBy(c::step).isInstanceOf(EvaluationException.class).hasMessageContaining("append-only");
        assertThat(c.snapshot("min")).isEqualTo(Batch.ofRow(Row.of(1, 5), 1));
    }
}
