package io.sluice.engine.operator.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.AggregateCall.NumericType;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.IncrementalCheck;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregateOperatorTest {
    /** Rows (g, x, d, f): g in 0..2, x in -2..2 or NULL, d = x / 2 as DECIMAL, f = x as DOUBLE, NULL together with x. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> {
        int g = n % 3;
        int code = (n / 3) % 6;
        if (code == 5) {
            return Row.of(g, null, null, null);
        }
        int x = code - 2;
        return Row.of(g, x, BigDecimal.valueOf(x * 5L, 1), (double) x);
    });

    private static final List<AggregateCall> CALLS = List.of(AggregateCall.countStar(), AggregateCall.count(1),
            AggregateCall.sum(1, NumericType.INTEGER), AggregateCall.sum(1, NumericType.BIGINT),
            AggregateCall.sum(2, NumericType.DECIMAL), AggregateCall.sum(3, NumericType.DOUBLE),
            AggregateCall.sum(1, NumericType.TINYINT));

    /** The aggregates of one group, computed from scratch; null for a group with no rows. */
    private static Row naiveAggregates(Multiset table, Object group, boolean global) {
        long count = 0;
        long nonNull = 0;
        long sum = 0;
        BigDecimal decimal = BigDecimal.ZERO;
        double dbl = 0;
        for (Row r : table.rows()) {
            if (!global && !r.get(0).equals(group)) {
                continue;
            }
            long w = table.weight(r);
            count += w;
            if (r.get(1) != null) {
                nonNull += w;
                sum += (Integer) r.get(1) * w;
                decimal = decimal.add(((BigDecimal) r.get(2)).multiply(BigDecimal.valueOf(w)));
                dbl += (Double) r.get(3) * w;
            }
        }
        if (count == 0 && !global) {
            return null;
        }
        boolean none = nonNull == 0;
        return Row.of(count, nonNull, none ? null : (int) sum, none ? null : sum, none ? null : decimal,
                none ? null : dbl, none ? null : (int) sum);
    }

    private static Map<String, Multiset> recompute(List<Multiset> tables) {
        Multiset grouped = new Multiset();
        for (int g = 0; g < 3; g++) {
            Row aggregates = naiveAggregates(tables.get(0), g, false);
            if (aggregates != null) {
                grouped.add(Row.of(g).concat(aggregates), 1);
            }
        }
        Multiset global = new Multiset();
        global.add(naiveAggregates(tables.get(0), null, true), 1);
        Map<String, Multiset> out = new LinkedHashMap<>();
        out.put("grouped", grouped);
        out.put("global", global);
        return out;
    }

    @Test
    void incrementalAggregatesEqualRecomputeAfterEveryStep() {
        qt().withExamples(300).forAll(ChangeScript.steps(10, 8)).checkAssert(script -> {
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream t = b.input("t");
            b.output("grouped", t.indexBy(r -> Row.of(r.get(0)), r -> r).aggregate(CALLS), true);
            b.output("global", t.indexBy(r -> Row.EMPTY, r -> r).globalAggregate(CALLS), true);
            IncrementalCheck.run(script, b.build(), DOMAIN, AggregateOperatorTest::recompute);
        });
    }

    private static final List<AggregateCall> AVGS = List.of(AggregateCall.avg(1, NumericType.INTEGER),
            AggregateCall.avg(1, NumericType.BIGINT), AggregateCall.avg(2, NumericType.DECIMAL),
            AggregateCall.avg(3, NumericType.DOUBLE));

    /** AVG of one group from scratch: null for no group, NULLs for a group of only NULLs (or no rows, if global). */
    private static Row naiveAverages(Multiset table, Object group, boolean global) {
        long count = 0;
        long nonNull = 0;
        long sum = 0;
        BigDecimal decimal = BigDecimal.ZERO.setScale(1);
        double dbl = 0;
        for (Row r : table.rows()) {
            if (!global && !r.get(0).equals(group)) {
                continue;
            }
            long w = table.weight(r);
            count += w;
            if (r.get(1) != null) {
                nonNull += w;
                sum += (Integer) r.get(1) * w;
                decimal = decimal.add(((BigDecimal) r.get(2)).multiply(BigDecimal.valueOf(w)));
                dbl += (Double) r.get(3) * w;
            }
        }
        if (count == 0 && !global) {
            return null;
        }
        if (nonNull == 0) {
            return Row.of(null, null, null, null);
        }
        return Row.of((int) (sum / nonNull), sum / nonNull,
                decimal.divide(BigDecimal.valueOf(nonNull), 1, java.math.RoundingMode.DOWN), dbl / nonNull);
    }

    @Test
    void averagesEqualRecomputeAndSurviveRestore() {
        OperatorProperty.check(200, workers -> {
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream t = b.input("t");
            b.output("grouped", t.indexBy(r -> Row.of(r.get(0)), r -> r).aggregate(AVGS), true);
            b.output("global", t.indexBy(r -> Row.EMPTY, r -> r).globalAggregate(AVGS), true);
            return b.build(workers);
        }, DOMAIN, tables -> {
            Multiset grouped = new Multiset();
            for (int g = 0; g < 3; g++) {
                Row averages = naiveAverages(tables.get(0), g, false);
                if (averages != null) {
                    grouped.add(Row.of(g).concat(averages), 1);
                }
            }
            Multiset global = new Multiset();
            global.add(naiveAverages(tables.get(0), null, true), 1);
            return Map.of("grouped", grouped, "global", global);
        });
    }

    @Test
    void averageTruncatesTowardZeroAndKeepsTheDecimalScale() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("a", b.input("t").indexBy(r -> Row.EMPTY, r -> r).globalAggregate(List.of(
                AggregateCall.avg(0, NumericType.INTEGER), AggregateCall.avg(1, NumericType.DECIMAL))), false);
        Circuit c = b.build();
        c.append("t", Row.of(-1, new BigDecimal("0.10")), 1);
        c.append("t", Row.of(-2, new BigDecimal("0.05")), 1);
        assertThat(c.step().get("a")).isEqualTo(Batch.ofRow(Row.of(-1, new BigDecimal("0.07")), 1));
    }

    @Test
    void globalAggregateOfEmptyInputHasCountZeroAndNullSums() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("g", b.input("t").indexBy(r -> Row.EMPTY, r -> r).globalAggregate(CALLS), true);
        Circuit c = b.build();
        Row empty = Row.of(0L, 0L, null, null, null, null, null);
        assertThat(c.step().get("g")).isEqualTo(Batch.ofRow(empty, 1));
        assertThat(c.snapshot("g")).isEqualTo(Batch.ofRow(empty, 1));
    }

    @Test
    void integerSumsAcceptLongInputsAndCheckTheirRange() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("s", b.input("t").indexBy(r -> Row.EMPTY, r -> r).globalAggregate(List.of(
                AggregateCall.sum(0, NumericType.SMALLINT))), false);
        Circuit c = b.build();
        c.append("t", Row.of(30_000L), 1);
        assertThat(c.step().get("s")).isEqualTo(Batch.ofRow(Row.of(30_000), 1));
        c.append("t", Row.of(3_000), 1);
        assertThatThrownBy(c::step).isInstanceOf(EvaluationException.class).hasMessageContaining("SMALLINT");
    }

    @Test
    void bigintSumOverflowIsAnEvaluationError() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("s", b.input("t").indexBy(r -> Row.of(r.get(0)), r -> r).aggregate(List.of(
                AggregateCall.sum(1, NumericType.BIGINT))), false);
        Circuit c = b.build();
        c.append("t", Row.of(1, Long.MAX_VALUE), 1);
        c.append("t", Row.of(1, 1L), 1);
        assertThatThrownBy(c::step).isInstanceOf(EvaluationException.class).hasMessageContaining("BIGINT");
    }

    @Test
    void groupedAggregateOverEmptyKeyKeepsItsRowOnceSeen() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("a", b.input("t").indexBy(r -> Row.EMPTY, r -> r).aggregate(List.of(AggregateCall.countStar())), true);
        Circuit c = b.build();
        assertThat(c.step().get("a")).isEqualTo(Batch.empty());
        c.append("t", Row.of(1), 1);
        c.step();
        c.append("t", Row.of(1), -1);
        c.step();
        assertThat(c.snapshot("a")).isEqualTo(Batch.ofRow(Row.of(0L), 1));
    }
}
