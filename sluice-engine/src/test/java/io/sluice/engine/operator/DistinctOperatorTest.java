package io.sluice.engine.operator;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistinctOperatorTest {
    /** Rows (k, v): k in 0..2, v in 0..2; few values, so rows repeat and cancel often. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 3, (n / 3) % 3));

    private static Circuit program(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream a = b.input("a");
        CircuitBuilder.Stream c = b.input("b");
        b.output("rows", a.distinct(), true);
        b.output("difference", a.plus(c.negate()).distinct(), true);
        b.output("indexed", a.indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1))).distinct()
                .deindex((k, v) -> k.concat(v)), true);
        b.output("projected", a.map(r -> Row.of(r.get(0))).distinct(), true);
        return b.build(workers);
    }

    private static Multiset positive(Multiset in) {
        Multiset out = new Multiset();
        for (Row r : in.rows()) {
            if (in.weight(r) > 0) {
                out.add(r, 1);
            }
        }
        return out;
    }

    private static Map<String, Multiset> recompute(java.util.List<Multiset> tables) {
        Multiset a = tables.get(0);
        Multiset difference = new Multiset();
        Multiset projected = new Multiset();
        for (Row r : a.rows()) {
            difference.add(r, a.weight(r));
            projected.add(Row.of(r.get(0)), a.weight(r));
        }
        for (Row r : tables.get(1).rows()) {
            difference.add(r, -tables.get(1).weight(r));
        }
        Map<String, Multiset> out = new LinkedHashMap<>();
        out.put("rows", positive(a));
        out.put("difference", positive(difference));
        out.put("indexed", positive(a));
        out.put("projected", positive(projected));
        return out;
    }

    @Test
    void distinctEqualsRecomputeAndSurvivesRestore() {
        OperatorProperty.check(200, DistinctOperatorTest::program, DOMAIN, DistinctOperatorTest::recompute);
    }
}
