package io.sluice.engine.operator.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitBuilder.Retain;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.AggregateCall.NumericType;
import io.sluice.engine.operator.aggregate.MinMax;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import io.sluice.engine.testing.RestoreCheck;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inputs with LATENESS feeding windowed operators whose state the waterlines clean up: after every
 * step the outputs equal a naive recompute over the changes the late filter accepted, so the state
 * that was forgotten was never needed again.
 */
class LatenessRetentionTest {
    private static final long LATENESS = 6;
    private static final long WINDOW = 4;
    private static final long BAND = 3;

    /** Rows (k, t): k in 0..2, t in 0..29; two tables a and b. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 3, (long) ((n / 3) % 30)));

    private static Circuit program(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream a = b.input("a").lateness(1, LATENESS);
        CircuitBuilder.Stream c = b.input("b").lateness(1, LATENESS);
        CircuitBuilder.Stream aWindows = a.tumble(1, WINDOW);
        CircuitBuilder.Stream bWindows = c.tumble(1, WINDOW);
        // GROUP BY window: (start, end) -> COUNT(*), SUM(k); MAX(k); forget windows that ended before the waterline
        CircuitBuilder.Stream byWindow = aWindows.indexBy(r -> Row.of(r.get(2), r.get(3)), r -> r);
        b.output("counts", byWindow.aggregate(List.of(AggregateCall.countStar(), AggregateCall.sum(0, NumericType.INTEGER)),
                Retain.keys(a.waterline(), 1)), true);
        b.output("max", byWindow.max(0).map(r -> r), true);
        b.output("maxRetained", byWindow.minMax(MinMax.max(0), Retain.keys(a.waterline(), 1)), true);
        // SELECT DISTINCT window_end, k
        b.output("distinct", aWindows.map(r -> Row.of(r.get(0), r.get(3))).distinct(Retain.keys(a.waterline(), 1)), true);
        // a JOIN b ON same window and k: each trace is probed by the other input, so it is cleaned by that input's waterline
        b.output("join", aWindows.indexBy(r -> Row.of(r.get(0), r.get(3)), r -> Row.of(r.get(1)))
                .join(bWindows.indexBy(r -> Row.of(r.get(0), r.get(3)), r -> Row.of(r.get(1))),
                        (k, l, r) -> Row.of(k.get(0), k.get(1), l.get(0), r.get(0)),
                        Retain.keys(c.waterline(), 1), Retain.keys(a.waterline(), 1)), true);
        // a JOIN b ON k AND |a.t - b.t| <= BAND: a future b row (t >= Wb) only pairs with a rows of t >= Wb - BAND,
        // so the a trace forgets values below that, and symmetrically
        b.output("band", a.indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)))
                .join(c.indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1))), (k, l, r) -> {
                    long ta = (Long) l.get(0);
                    long tb = (Long) r.get(0);
                    return Math.abs(ta - tb) <= BAND ? Row.of(k.get(0), ta, tb) : null;
                }, Retain.values(c.waterline(), 0, w -> (Long) w - BAND), Retain.values(a.waterline(), 0, w -> (Long) w - BAND)),
                true);
        return b.build(workers);
    }

    /**
     * The late filter's model: accepts a change unless its t is below the previous step's max -
     * LATENESS; the max is over the step's consolidated changes (an insert and a delete of the same
     * row in one step cancel and never existed).
     */
    private static final class LateFilter {
        private Long max;
        private Multiset step = new Multiset();

        void offer(Row row, long weight, Multiset accepted) {
            if (max == null || (Long) row.get(1) >= max - LATENESS) {
                accepted.add(row, weight);
                step.add(row, weight);
            }
        }

        void endStep() {
            for (Row row : step.rows()) {
                max = max == null ? (Long) row.get(1) : Math.max(max, (Long) row.get(1));
            }
            step = new Multiset();
        }
    }

    private static Map<String, Multiset> recompute(Multiset a, Multiset b) {
        Map<String, Multiset> out = new HashMap<>();
        for (String name : List.of("counts", "max", "maxRetained", "distinct", "join", "band")) {
            out.put(name, new Multiset());
        }
        Map<Row, long[]> counts = new HashMap<>();
        Map<Row, Integer> max = new HashMap<>();
        for (Row r : a.rows()) {
            long t = (Long) r.get(1);
            long start = Math.floorDiv(t, WINDOW) * WINDOW;
            Row window = Row.of(start, start + WINDOW);
            long w = a.weight(r);
            long[] cs = counts.computeIfAbsent(window, x -> new long[2]);
            cs[0] += w;
            cs[1] += w * (Integer) r.get(0);
            if (w > 0) {
                max.merge(window, (Integer) r.get(0), Math::max);
            }
            out.get("distinct").add(Row.of(r.get(0), start + WINDOW), w);
            for (Row s : b.rows()) {
                long u = (Long) s.get(1);
                if (s.get(0).equals(r.get(0)) && Math.floorDiv(u, WINDOW) * WINDOW == start) {
                    out.get("join").add(Row.of(r.get(0), start + WINDOW, t, u), w * b.weight(s));
                }
                if (s.get(0).equals(r.get(0)) && Math.abs(t - u) <= BAND) {
                    out.get("band").add(Row.of(r.get(0), t, u), w * b.weight(s));
                }
            }
        }
        counts.forEach((window, cs) -> {
            if (cs[0] != 0) {
                out.get("counts").add(window.concat(Row.of(cs[0], (int) cs[1])), 1);
                Row m = window.concat(Row.of(max.get(window)));
                out.get("max").add(m, 1);
                out.get("maxRetained").add(m, 1);
            }
        });
        Multiset distinct = new Multiset();
        for (Row r : out.get("distinct").rows()) {
            if (out.get("distinct").weight(r) > 0) {
                distinct.add(r, 1);
            }
        }
        out.put("distinct", distinct);
        return out;
    }

    @Test
    void cleanedUpStateGivesTheSameOutputsAsRecomputeAndSurvivesRestore() {
        qt().withExamples(300).forAll(ChangeScript.steps(12, 8), integers().between(0, 12)).checkAssert((script, stop) -> {
            for (int workers : OperatorProperty.WORKERS) {
                try (Circuit circuit = program(workers)) {
                    checkAgainstRecompute(script, circuit);
                }
                RestoreCheck.run(script, stop, () -> program(workers), DOMAIN);
            }
        });
    }

    private static void checkAgainstRecompute(List<List<Integer>> script, Circuit circuit) {
        {
            List<List<ChangeScript.Change>> steps = RestoreCheck.decode(script, 2, DOMAIN);
            List<LateFilter> filters = List.of(new LateFilter(), new LateFilter());
            List<Multiset> accepted = List.of(new Multiset(), new Multiset());
            Map<String, Multiset> integrals = new HashMap<>();
            circuit.outputNames().forEach(name -> integrals.put(name, new Multiset()));
            for (int s = 0; s < steps.size(); s++) {
                for (ChangeScript.Change change : steps.get(s)) {
                    filters.get(change.table()).offer(change.row(), change.weight(), accepted.get(change.table()));
                }
                filters.forEach(LateFilter::endStep);
                Map<String, Batch> deltas = RestoreCheck.step(circuit, steps.get(s));
                deltas.forEach((name, delta) -> integrals.get(name).addAll(delta));
                Map<String, Multiset> expected = recompute(accepted.get(0), accepted.get(1));
                for (String name : circuit.outputNames()) {
                    assertThat(integrals.get(name).asMap()).as("%s after step %d", name, s).isEqualTo(expected.get(name).asMap());
                }
            }
        }
    }
}
