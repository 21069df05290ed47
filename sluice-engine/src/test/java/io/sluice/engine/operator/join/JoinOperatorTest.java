package io.sluice.engine.operator.join;

import static org.quicktheories.QuickTheory.qt;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.operator.JoinFunction;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.IncrementalCheck;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.testing.OperatorProperty;
import io.sluice.engine.testing.Multiset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JoinOperatorTest {
    /** Rows (k, v): k in 0..3, v in 0..3 or NULL. */
    private static final ChangeScript.Domain DOMAIN =
            ChangeScript.Domain.of(n -> Row.of(n % 4, (n / 4) % 5 == 4 ? null : (n / 4) % 5));

    /** Drops pairs whose values sum to a multiple of 3: a fused post-join filter. */
    private static final JoinFunction JOIN = (k, l, r) -> {
        if (l.get(0) != null && r.get(0) != null && ((Integer) l.get(0) + (Integer) r.get(0)) % 3 == 0) {
            return null;
        }
        return Row.of(k.get(0), l.get(0), r.get(0));
    };

    private static Multiset naiveJoin(Multiset a, Multiset b) {
        Multiset out = new Multiset();
        for (Row x : a.rows()) {
            for (Row y : b.rows()) {
                if (x.get(0).equals(y.get(0))) {
                    Row row = JOIN.apply(Row.of(x.get(0)), Row.of(x.get(1)), Row.of(y.get(1)));
                    if (row != null) {
                        out.add(row, a.weight(x) * b.weight(y));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void incrementalJoinEqualsRecomputeAfterEveryStep() {
        qt().withExamples(300).forAll(ChangeScript.steps(10, 8)).checkAssert(script -> {
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream a = b.input("a").indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)));
            CircuitBuilder.Stream c = b.input("b").indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)));
            b.output("join", a.join(c, JOIN), true);
            b.output("self", a.join(a, JOIN), true);
            for (int workers : OperatorProperty.WORKERS) {
                try (Circuit circuit = b.build(workers)) {
                    IncrementalCheck.run(script, circuit, DOMAIN, tables -> Map.of(
                            "join", naiveJoin(tables.get(0), tables.get(1)),
                            "self", naiveJoin(tables.get(0), tables.get(0))));
                }
            }
        });
    }
}
