package io.sluice.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.operator.AggregateCall.NumericType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitTest {
    private static Batch zset(Object[]... rowsAndWeights) {
        Batch.Builder b = Batch.builder();
        for (Object[] rw : rowsAndWeights) {
            b.add((Row) rw[0], ((Number) rw[1]).longValue());
        }
        return b.build();
    }

    private static Object[] e(long weight, Object... values) {
        return new Object[] {Row.of(values), weight};
    }

    @Test
    void mapFilterAndFusionProduceOneConsolidatedDelta() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        CircuitBuilder.Stream s = t.filter(r -> (Integer) r.get(0) > 1).map(r -> Row.of(r.get(1)));
        b.output("v", s, true);
        Circuit c = b.build();
        c.append("t", Row.of(1, "a"), 1);
        c.append("t", Row.of(2, "b"), 1);
        c.append("t", Row.of(3, "b"), 1);
        assertThat(c.step()).isEqualTo(Map.of("v", zset(e(2, "b"))));
        assertThat(c.snapshot("v")).isEqualTo(zset(e(2, "b")));
        c.append("t", Row.of(3, "b"), -1);
        assertThat(c.step().get("v")).isEqualTo(zset(e(-1, "b")));
        assertThat(c.snapshot("v")).isEqualTo(zset(e(1, "b")));
        assertThat(c.step().get("v")).isEqualTo(Batch.empty());
        assertThat(c.steps()).isEqualTo(3);
    }

    @Test
    void joinEmitsChangesOfBothSides() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream l = b.input("l").indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)));
        CircuitBuilder.Stream r = b.input("r").indexBy(x -> Row.of(x.get(0)), x -> Row.of(x.get(1)));
        b.output("j", l.join(r, (k, a, c) -> Row.of(k.get(0), a.get(0), c.get(0))), false);
        Circuit c = b.build();
        c.append("l", Row.of(1, "x"), 1);
        c.append("r", Row.of(1, "y"), 1);
        assertThat(c.step().get("j")).isEqualTo(zset(e(1, 1, "x", "y")));
        c.append("r", Row.of(1, "z"), 2);
        assertThat(c.step().get("j")).isEqualTo(zset(e(2, 1, "x", "z")));
        c.append("l", Row.of(1, "x"), -1);
        assertThat(c.step().get("j")).isEqualTo(zset(e(-1, 1, "x", "y"), e(-2, 1, "x", "z")));
    }

    @Test
    void groupedAggregateReplacesRowsAndDropsEmptyGroups() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t").indexBy(r -> Row.of(r.get(0)), r -> r);
        b.output("a", t.aggregate(List.of(AggregateCall.countStar(), AggregateCall.count(1),
                AggregateCall.sum(1, NumericType.INTEGER))), true);
        Circuit c = b.build();
        assertThat(c.step().get("a")).isEqualTo(Batch.empty());
        c.append("t", Row.of("g", 5), 1);
        c.append("t", Row.of("g", null), 1);
        assertThat(c.step().get("a")).isEqualTo(zset(e(1, "g", 2L, 1L, 5)));
        c.append("t", Row.of("g", 5), -1);
        assertThat(c.step().get("a")).isEqualTo(zset(e(-1, "g", 2L, 1L, 5), e(1, "g", 1L, 0L, null)));
        c.append("t", Row.of("g", null), -1);
        assertThat(c.step().get("a")).isEqualTo(zset(e(-1, "g", 1L, 0L, null)));
        assertThat(c.snapshot("a")).isEqualTo(Batch.empty());
    }

    @Test
    void globalAggregateAlwaysHasOneRow() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t").indexBy(r -> Row.EMPTY, r -> r);
        b.output("a", t.globalAggregate(List.of(AggregateCall.countStar(), AggregateCall.sum(0, NumericType.BIGINT))), true);
        Circuit c = b.build();
        assertThat(c.step().get("a")).isEqualTo(zset(e(1, 0L, null)));
        assertThat(c.step().get("a")).isEqualTo(Batch.empty());
        c.append("t", Row.of(7L), 1);
        assertThat(c.step().get("a")).isEqualTo(zset(e(-1, 0L, null), e(1, 1L, 7L)));
        c.append("t", Row.of(7L), -1);
        assertThat(c.step().get("a")).isEqualTo(zset(e(1, 0L, null), e(-1, 1L, 7L)));
        assertThat(c.snapshot("a")).isEqualTo(zset(e(1, 0L, null)));
    }

    @Test
    void upsertInputReplacesAndDeletesByKey() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("u", b.upsertInput("u", new int[] {0}), true);
        Circuit c = b.build();
        c.append("u", Row.of(1, "a"), 1);
        c.append("u", Row.of(1, "b"), 1);
        c.append("u", Row.of(2, "c"), 1);
        assertThat(c.step().get("u")).isEqualTo(zset(e(1, 1, "b"), e(1, 2, "c")));
        c.append("u", Row.of(1, "z"), 1);
        c.append("u", Row.of(2, null), -1);
        c.append("u", Row.of(3, null), -1);
        assertThat(c.step().get("u")).isEqualTo(zset(e(-1, 1, "b"), e(1, 1, "z"), e(-1, 2, "c")));
        assertThat(c.snapshot("u")).isEqualTo(zset(e(1, 1, "z")));
    }

    @Test
    void plusAndNegateCancel() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        b.output("zero", t.plus(t.negate()), false);
        b.output("double", t.plus(t), false);
        Circuit c = b.build();
        c.append("t", Row.of(1), 1);
        Map<String, Batch> out = c.step();
        assertThat(out.get("zero")).isEqualTo(Batch.empty());
        assertThat(out.get("double")).isEqualTo(zset(e(2, 1)));
        assertThat(c.outputNames()).containsExactly("zero", "double");
        assertThat(c.inputNames()).containsExactly("t");
    }

    @Test
    void failedStepLeavesStateAsBefore() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t").indexBy(r -> Row.EMPTY, r -> r);
        b.output("s", t.globalAggregate(List.of(AggregateCall.sum(0, NumericType.INTEGER))), true);
        Circuit c = b.build();
        c.append("t", Row.of(Integer.MAX_VALUE), 1);
        c.step();
        c.append("t", Row.of(1), 1);
        assertThatThrownBy(c::step).isInstanceOf(EvaluationException.class).hasMessageContaining("INTEGER");
        assertThat(c.steps()).isEqualTo(1);
        assertThat(c.snapshot("s")).isEqualTo(zset(e(1, Integer.MAX_VALUE)));
        c.append("t", Row.of(-1), 1);
        assertThat(c.step().get("s")).isEqualTo(zset(e(-1, Integer.MAX_VALUE), e(1, Integer.MAX_VALUE - 1)));
    }

    @Test
    void operatorIdsAreStableAcrossBuilds() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream l = b.input("l").indexBy(r -> r, r -> r);
        b.output("j", l.join(l, (k, x, y) -> k), true);
        List<String> ids1 = b.build().capture().operators().stream().map(OperatorState::operatorId).toList();
        List<String> ids2 = b.build().capture().operators().stream().map(OperatorState::operatorId).toList();
        assertThat(ids1).containsExactly("n2-join", "n3-integrate").isEqualTo(ids2);
    }

    @Test
    void misuseIsRefusedAtBuildTime() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t");
        assertThatThrownBy(() -> t.join(t, (k, x, y) -> k)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.aggregate(List.of())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.input("t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CircuitBuilder().output("x", t, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void workersSplitStateByKeyAndRestoreOnlyWithTheSameCount() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream t = b.input("t").indexBy(r -> Row.of(r.get(0)), r -> r);
        b.output("counts", t.aggregate(List.of(AggregateCall.countStar())), true);
        try (Circuit two = b.build(2); Circuit one = b.build(1); Circuit four = b.build(4)) {
            for (long k = 0; k < 100; k++) {
                two.append("t", Row.of(k % 10, k), 1);
            }
            assertThat(two.step().get("counts").size()).isEqualTo(10);
            CircuitState state = two.capture();
            // Each worker's copy holds only its own groups, together all ten.
            long groups = state.operators().stream().filter(op -> op.operatorId().startsWith("n2-aggregate@w"))
                    .peek(op -> assertThat(op.operatorId()).matches("n2-aggregate@w[01]of2"))
                    .mapToLong(op -> op.batches().stream().mapToLong(Batch::size).sum()).sum();
            assertThat(groups).isEqualTo(10);
            assertThatThrownBy(() -> one.restore(state)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("saved by a circuit with 2 worker(s); this circuit runs 1");
            assertThatThrownBy(() -> four.restore(state)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("this circuit runs 4");
            Circuit again = b.build(2);
            again.restore(state);
            assertThat(again.snapshot("counts")).isEqualTo(two.snapshot("counts"));
            again.close();
        }
    }
}
