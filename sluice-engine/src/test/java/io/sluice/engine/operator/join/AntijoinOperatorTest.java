package io.sluice.engine.operator.join;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AntijoinOperatorTest {
    /** Rows (k, v): k in 0..3, v in 0..2. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 4, (n / 4) % 3));

    private static Circuit program(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream a = b.input("a").indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)));
        CircuitBuilder.Stream c = b.input("b").indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)));
        b.output("anti", a.antijoin(c).deindex((k, v) -> k.concat(v)), true);
        // LEFT JOIN = inner join + the unmatched left rows padded with NULL
        b.output("left", a.join(c, (k, l, r) -> Row.of(k.get(0), l.get(0), r.get(0)))
                .plus(a.antijoin(c).deindex((k, v) -> Row.of(k.get(0), v.get(0), null))), true);
        return b.build(workers);
    }

    private static Map<String, Multiset> recompute(List<Multiset> tables) {
        Multiset a = tables.get(0);
        Multiset b = tables.get(1);
        Multiset anti = new Multiset();
        Multiset left = new Multiset();
        for (Row x : a.rows()) {
            long keyWeight = 0;
            for (Row y : b.rows()) {
                if (y.get(0).equals(x.get(0))) {
                    keyWeight += b.weight(y);
                    left.add(Row.of(x.get(0), x.get(1), y.get(1)), a.weight(x) * b.weight(y));
                }
            }
            if (keyWeight <= 0) {
                anti.add(x, a.weight(x));
                left.add(Row.of(x.get(0), x.get(1), null), a.weight(x));
            }
        }
        Map<String, Multiset> out = new LinkedHashMap<>();
        out.put("anti", anti);
        out.put("left", left);
        return out;
    }

    @Test
    void antijoinEqualsRecomputeAndSurvivesRestore() {
        OperatorProperty.check(200, AntijoinOperatorTest::program, DOMAIN, AntijoinOperatorTest::recompute);
    }
}
