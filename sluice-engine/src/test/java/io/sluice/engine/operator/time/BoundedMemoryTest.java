package io.sluice.engine.operator.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitBuilder.Retain;
import io.sluice.engine.circuit.OperatorState;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.AggregateCall.NumericType;
import io.sluice.engine.operator.aggregate.MinMax;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A TUMBLE aggregate over an endless stream with LATENESS keeps bounded state: the traces of the
 * aggregate, MAX and distinct operators stop growing once the waterline cleans them, while the
 * same circuit without retention keeps every row.
 */
class BoundedMemoryTest {
    private static final long WINDOW = 500;
    private static final long LATENESS = 200;
    private static final int STEPS = 300;
    private static final int ROWS_PER_STEP = 100;

    /** Rows (k, ts): per step 100 rows, ts advancing 100 per step with up to 150 of disorder. */
    private static Circuit program(boolean retain) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream events = b.input("events").lateness(1, LATENESS);
        Retain byWindowEnd = retain ? Retain.keys(events.waterline(), 1) : null;
        CircuitBuilder.Stream byWindow = events.tumble(1, WINDOW)
                .indexBy(r -> Row.of(r.get(2), r.get(3), (Integer) r.get(0) % 10), r -> r);
        b.output("counts", byWindow.aggregate(List.of(AggregateCall.countStar(), AggregateCall.sum(0, NumericType.BIGINT)),
                byWindowEnd), true);
        b.output("max", byWindow.minMax(MinMax.max(1), byWindowEnd), false);
        b.output("distinct", events.tumble(1, WINDOW).map(r -> Row.of(r.get(2), r.get(3), r.get(0)))
                .distinct(retain ? Retain.keys(events.waterline(), 1) : null), false);
        return b.build();
    }

    /** Entries held by each stateful operator kind (aggregate, generalaggregate, distinct), summed over its batches. */
    private static Map<String, Long> traceEntries(Circuit c) {
        Map<String, Long> entries = new HashMap<>();
        for (OperatorState op : c.capture().operators()) {
            String kind = op.operatorId().substring(op.operatorId().indexOf('-') + 1);
            if (kind.equals("aggregate") || kind.equals("generalaggregate") || kind.equals("distinct")) {
                entries.merge(kind, op.batches().stream().mapToLong(Batch::size).sum(), Long::sum);
            }
        }
        return entries;
    }

    /** Runs the stream; returns the largest trace size seen per operator kind after any step. */
    private static Map<String, Long> run(Circuit c) {
        Random random = new Random(42);
        Map<String, Long> peak = new HashMap<>();
        for (int s = 0; s < STEPS; s++) {
            for (int i = 0; i < ROWS_PER_STEP; i++) {
                long ts = s * 100L + i - random.nextInt(150);
                c.append("events", Row.of(random.nextInt(50), ts), 1);
            }
            c.step();
            traceEntries(c).forEach((kind, n) -> peak.merge(kind, n, Math::max));
        }
        return peak;
    }

    @Test
    void tumbleAggregateWithLatenessKeepsBoundedTraces() {
        Circuit cleaned = program(true);
        Map<String, Long> peak = run(cleaned);
        long fed = (long) STEPS * ROWS_PER_STEP;
        long counted = 0;
        Batch counts = cleaned.snapshot("counts");
        for (int i = 0; i < counts.size(); i++) {
            counted += (Long) counts.key(i).get(3) * counts.weight(i);
        }
        assertThat(counted).as("every row counted once: none late, none lost").isEqualTo(fed);
        assertThat(peak).containsOnlyKeys("aggregate", "generalaggregate", "distinct");
        peak.forEach((kind, n) -> assertThat(n * 10).as("peak entries of %s", kind).isLessThanOrEqualTo(fed));

        Map<String, Long> uncleaned = run(program(false));
        assertThat(uncleaned.get("generalaggregate")).as("without retention the MAX trace keeps every value")
                .isGreaterThan(fed / 2);
    }
}
