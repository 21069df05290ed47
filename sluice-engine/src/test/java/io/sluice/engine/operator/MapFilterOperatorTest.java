package io.sluice.engine.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.IncrementalCheck;
import io.sluice.engine.testing.Multiset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MapFilterOperatorTest {
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 5, (n / 5) % 4));

    private static final RowPredicate SMALL = r -> (Integer) r.get(0) < 4;
    private static final RowFunction SWAP_MOD = r -> Row.of((Integer) r.get(1) % 2, r.get(0));
    private static final RowPredicate NONZERO = r -> (Integer) r.get(1) != 0;

    private static Multiset naive(Multiset in, boolean withDifference, Multiset other) {
        Multiset out = new Multiset();
        for (Row r : in.rows()) {
            if (SMALL.test(r)) {
                Row m = SWAP_MOD.apply(r);
                if (NONZERO.test(m)) {
                    out.add(m, in.weight(r));
                }
            }
        }
        if (withDifference) {
            for (Row r : other.rows()) {
                out.add(r, -other.weight(r));
            }
        }
        return out;
    }

    @Test
    void fusedMapFilterChainEqualsRecomputeAfterEveryStep() {
        qt().withExamples(300).forAll(ChangeScript.steps(10, 8)).checkAssert(script -> {
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream t = b.input("t");
            CircuitBuilder.Stream u = b.input("u");
            CircuitBuilder.Stream chain = t.filter(SMALL).map(SWAP_MOD).filter(NONZERO);
            b.output("chain", chain, true);
            b.output("difference", chain.plus(u.negate()), true);
            IncrementalCheck.run(script, b.build(), DOMAIN, tables -> {
                Map<String, Multiset> out = new LinkedHashMap<>();
                out.put("chain", naive(tables.get(0), false, null));
                out.put("difference", naive(tables.get(0), true, tables.get(1)));
                return out;
            });
        });
    }

    @Test
    void chainedStagesRunInOrder() {
        MapFilterOperator op = MapFilterOperator.map(r -> Row.of((Integer) r.get(0) + 1))
                .then(MapFilterOperator.filter(r -> (Integer) r.get(0) % 2 == 0))
                .then(MapFilterOperator.map(r -> Row.of((Integer) r.get(0) * 10)));
        Batch in = Batch.builder().add(Row.of(1), 1).add(Row.of(2), 1).add(Row.of(3), 2).build();
        assertThat(Multiset.of(op.evaluate(List.of(in))).asMap())
                .isEqualTo(Map.of(Row.of(20), 1L, Row.of(40), 2L));
    }
}
