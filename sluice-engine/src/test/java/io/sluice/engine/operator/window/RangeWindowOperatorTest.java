package io.sluice.engine.operator.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.operator.aggregate.GroupAggregate;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class RangeWindowOperatorTest {
    /** Rows (p, t, x, ts): partition p in 0..1, order value t in NULL, 0..7 (many peers), x in NULL, 1..4, ts = t hours. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> {
        int tn = (n / 2) % 9;
        Long t = tn == 8 ? null : (long) tn;
        int xn = (n / 18) % 5;
        Integer x = xn == 0 ? null : xn;
        LocalDateTime ts = t == null ? null : LocalDateTime.of(2024, 1, 1, 0, 0).plusHours(t);
        return Row.of(n % 2, t, x, ts);
    });

    /** COUNT(*), COUNT(x), SUM(x), MIN(x), MAX(x) of a frame; a row with weight w counts w times. */
    private static final GroupAggregate AGGREGATES = (key, frame) -> {
        long[] acc = new long[2];
        Long[] sumMinMax = new Long[3];
        frame.scan(false, (row, weight) -> {
            acc[0] += weight;
            Integer x = (Integer) row.get(2);
            if (x != null && weight > 0) {
                acc[1] += weight;
                sumMinMax[0] = (sumMinMax[0] == null ? 0 : sumMinMax[0]) + x * weight;
                sumMinMax[1] = sumMinMax[1] == null ? x : Math.min(sumMinMax[1], x);
                sumMinMax[2] = sumMinMax[2] == null ? x : Math.max(sumMinMax[2], x);
            }
            return true;
        });
        return Row.of(acc[0], acc[1], sumMinMax[0], sumMinMax[1], sumMinMax[2]);
    };

    /** The windows under test: (name, order column, range, nulls first). */
    private record Window(String name, int column, Object range, boolean nullsFirst) {
    }

    private static final List<Window> WINDOWS = List.of(
            new Window("range0", 1, 0L, false),
            new Window("range2", 1, 2L, false),
            new Window("range2-nulls-first", 1, 2L, true),
            new Window("unbounded", 1, null, false),
            new Window("unbounded-nulls-first", 1, null, true),
            new Window("hours3", 3, Duration.ofHours(3), false),
            new Window("hours3-nulls-first", 3, Duration.ofHours(3), true));

    private static Circuit program(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream byPartition = b.input("t").indexBy(r -> Row.of(r.get(0)), r -> r);
        for (Window w : WINDOWS) {
            b.output(w.name, byPartition.rangeWindow(w.column, w.range, w.nullsFirst, AGGREGATES), true);
        }
        // no PARTITION BY: every row in one partition
        b.output("global", b.input("u").indexBy(r -> Row.EMPTY, r -> r).rangeWindow(1, 1L, false, AGGREGATES), true);
        return b.build(workers);
    }

    /** The frame of {@code row} by the definition, over the rows of {@code t} in the same partition. */
    private static Multiset naive(Multiset t, Window w, boolean partitioned) {
        Multiset out = new Multiset();
        for (Row row : t.rows()) {
            long weight = t.weight(row);
            if (weight <= 0) {
                continue;
            }
            Batch.Builder frame = Batch.builder();
            for (Row other : t.rows()) {
                if (t.weight(other) > 0 && (!partitioned || other.get(0).equals(row.get(0)))
                        && inFrame(order(other, w), order(row, w), w)) {
                    frame.add(other, t.weight(other));
                }
            }
            Batch f = frame.build();
            Row result = AGGREGATES.apply(Row.EMPTY, (descending, visitor) -> {
                for (int i = 0; i < f.size(); i++) {
                    visitor.visit(f.key(i), f.weight(i));
                }
            });
            out.add(row.concat(result), weight);
        }
        return out;
    }

    private static Long order(Row row, Window w) {
        Object v = row.get(w.column);
        return v == null ? null : v instanceof LocalDateTime ts ? Duration.between(LocalDateTime.of(2000, 1, 1, 0, 0), ts).toNanos() : (Long) v;
    }

    /** Standard SQL RANGE BETWEEN n PRECEDING AND CURRENT ROW, NULLs peers of each other, first or last. */
    private static boolean inFrame(Long other, Long current, Window w) {
        long n = w.range == null ? Long.MAX_VALUE : w.range instanceof Duration d ? d.toNanos() : (Long) w.range;
        if (current == null || other == null) {
            if (Objects.equals(current, other)) {
                return true;
            }
            // a NULL sorts before (nulls first) or after every value; only an unbounded frame reaches back to it
            boolean otherBefore = (other == null) == w.nullsFirst;
            return w.range == null && otherBefore;
        }
        return other <= current && current - other <= n;
    }

    @Test
    void rangeWindowEqualsRecomputeAndSurvivesRestore() {
        OperatorProperty.check(100, RangeWindowOperatorTest::program, DOMAIN, tables -> {
            Map<String, Multiset> out = new LinkedHashMap<>();
            for (Window w : WINDOWS) {
                out.put(w.name, naive(tables.get(0), w, true));
            }
            out.put("global", naive(tables.get(1), new Window("global", 1, 1L, false), false));
            return out;
        });
    }

    @Test
    void aLateChangeRetractsTheLaterRowsInRange() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("w", b.input("t").indexBy(r -> Row.EMPTY, r -> r).rangeWindow(0, 2L, false,
                (key, frame) -> {
                    long[] n = new long[1];
                    frame.scan(false, (row, weight) -> {
                        n[0] += weight;
                        return true;
                    });
                    return Row.of(n[0]);
                }), false);
        Circuit c = b.build();
        c.append("t", Row.of(1L), 1);
        c.append("t", Row.of(3L), 1);
        c.append("t", Row.of(4L), 1);
        c.append("t", Row.of(9L), 1);
        assertThat(c.step().get("w")).isEqualTo(Batch.builder().add(Row.of(1L, 1L), 1).add(Row.of(3L, 2L), 1)
                .add(Row.of(4L, 2L), 1).add(Row.of(9L, 1L), 1).build());
        c.append("t", Row.of(2L), 1);
        // 2 is in the frames of 2, 3 and 4, not of 1 (before it) or 9 (more than 2 after it)
        assertThat(c.step().get("w")).isEqualTo(Batch.builder().add(Row.of(2L, 2L), 1)
                .add(Row.of(3L, 2L), -1).add(Row.of(3L, 3L), 1)
                .add(Row.of(4L, 2L), -1).add(Row.of(4L, 3L), 1).build());
    }

    @Test
    void rejectsANegativeRangeAndAMismatchedOrderType() {
        assertThatThrownBy(() -> new RangeWindowOperator(0, -1L, false, AGGREGATES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
        RangeWindowOperator op = new RangeWindowOperator(0, Duration.ofHours(1), false, AGGREGATES);
        assertThatThrownBy(() -> op.evaluate(List.of(Batch.builder().add(Row.EMPTY, Row.of(5L), 1).build())))
                .hasMessageContaining("needs an integer range");
    }
}
