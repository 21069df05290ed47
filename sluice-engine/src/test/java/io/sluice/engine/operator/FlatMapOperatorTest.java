package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatMapOperatorTest {
    /** Rows (k, n): k in 0..3, n in 0..3. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 4, (n / 4) % 4));

    /** Row (k, n) becomes n rows (k, i) for i in 0..n-1: an UNNEST of a generated array. */
    private static final FlatMapFunction EXPAND = (r, out) -> {
        for (int i = 0; i < (Integer) r.get(1); i++) {
            out.accept(Row.of(r.get(0), i));
        }
    };

    private static Circuit program(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        b.output("fused", t.filter(r -> (Integer) r.get(0) != 3).flatMap(EXPAND)
                .map(r -> Row.of((Integer) r.get(0) + (Integer) r.get(1))).filter(r -> (Integer) r.get(0) > 0), true);
        return b.build(workers);
    }

    private static Multiset naive(Multiset in) {
        Multiset out = new Multiset();
        for (Row r : in.rows()) {
            int k = (Integer) r.get(0);
            if (k == 3) {
                continue;
            }
            for (int i = 0; i < (Integer) r.get(1); i++) {
                if (k + i > 0) {
                    out.add(Row.of(k + i), in.weight(r));
                }
            }
        }
        return out;
    }

    @Test
    void fusedFlatMapEqualsRecomputeAndSurvivesRestore() {
        OperatorProperty.check(150, FlatMapOperatorTest::program, DOMAIN, tables -> Map.of("fused", naive(tables.get(0))));
    }
}
