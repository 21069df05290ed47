package io.sluice.engine.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class UpsertInputOperatorTest {
    /**
     * Inserts, deletes and partial updates (column a only, column b only, both) in random order,
     * several per key and step, on 1 and 2 workers: the table equals a model that applies each
     * command in append order, an update of an absent key doing nothing.
     */
    @Test
    void partialUpdatesApplyInAppendOrderAndIgnoreAbsentKeys() {
        qt().withExamples(300).forAll(ChangeScript.steps(10, 12)).checkAssert(script -> {
            for (int workers : new int[] {1, 2}) {
                CircuitBuilder b = new CircuitBuilder();
                b.output("table", b.upsertInput("u", new int[] {0}), true);
                Circuit c = b.build(workers);
                try {
                    Map<Row, Row> model = new TreeMap<>();
                    Multiset integral = new Multiset();
                    for (List<Integer> step : script) {
                        for (int code : step) {
                            Row key = Row.of((long) (code % 4));
                            long a = (code / 4) % 3;
                            String bValue = "b" + (code / 12) % 2;
                            switch ((code / 24) % 5) {
                                case 0 -> {
                                    c.append("u", key.concat(Row.of(a, bValue)), 1);
                                    model.put(key, key.concat(Row.of(a, bValue)));
                                }
                                case 1 -> {
                                    c.append("u", key.concat(Row.of(null, null)), -1);
                                    model.remove(key);
                                }
                                case 2 -> {
                                    c.update("u", key.concat(Row.of(a, null)), new long[] {0b011});
                                    model.computeIfPresent(key, (k, r) -> Row.of(r.get(0), a, r.get(2)));
                                }
                                case 3 -> {
                                    c.update("u", key.concat(Row.of(null, bValue)), new long[] {0b101});
                                    model.computeIfPresent(key, (k, r) -> Row.of(r.get(0), r.get(1), bValue));
                                }
                                default -> {
                                    c.update("u", key.concat(Row.of(a, null)), new long[] {0b111});
                                    model.computeIfPresent(key, (k, r) -> Row.of(r.get(0), a, null));
                                }
                            }
                        }
                        integral.addAll(c.step().get("table"));
                        Multiset expected = new Multiset();
                        model.values().forEach(row -> expected.add(row, 1));
                        assertThat(integral.asMap()).as("%d workers", workers).isEqualTo(expected.asMap());
                    }
                } finally {
                    c.close();
                }
            }
        });
    }

    @Test
    void anUpdateWithoutItsKeyColumnsIsRefused_andAnInputWithoutAKeyTakesNoUpdates() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("keyed", b.upsertInput("u", new int[] {0}), true);
        b.output("plain", b.input("t"), true);
        Circuit c = b.build();
        assertThatThrownBy(() -> c.update("u", Row.of(1L, 2L), new long[] {0b10}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary key column");
        assertThatThrownBy(() -> c.update("t", Row.of(1L, 2L), new long[] {0b11}))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("no primary key");
    }

    @Test
    void outputIntegralIsTheTableAfterApplyingCommandsInOrder() {
        qt().withExamples(300).forAll(ChangeScript.steps(10, 10)).checkAssert(script -> {
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream u = b.upsertInput("u", new int[] {0, 1});
            b.output("table", u, true);
            b.output("counts", u.indexBy(r -> Row.of(r.get(0)), r -> r)
                    .aggregate(List.of(AggregateCall.countStar())), true);
            Circuit c = b.build();
            Map<Row, Row> model = new TreeMap<>();
            Multiset integral = new Multiset();
            for (List<Integer> step : script) {
                for (int code : step) {
                    Row key = Row.of(code % 3, (code / 3) % 2);
                    if ((code / 6) % 4 == 3) {
                        c.append("u", key.concat(Row.of("ignored")), -1);
                        model.remove(key);
                    } else {
                        Row row = key.concat(Row.of((code / 24) % 3));
                        c.append("u", row, 1);
                        model.put(key, row);
                    }
                }
                integral.addAll(c.step().get("table"));
                Multiset expected = new Multiset();
                model.values().forEach(row -> expected.add(row, 1));
                assertThat(integral.asMap()).isEqualTo(expected.asMap());
                assertThat(Multiset.of(c.snapshot("table")).asMap()).isEqualTo(expected.asMap());
                Multiset counts = new Multiset();
                for (int k = 0; k < 3; k++) {
                    int key = k;
                    long n = model.keySet().stream().filter(r -> r.get(0).equals(key)).count();
                    if (n > 0) {
                        counts.add(Row.of(k, n), 1);
                    }
                }
                assertThat(Multiset.of(c.snapshot("counts")).asMap()).isEqualTo(counts.asMap());
            }
        });
    }

    @Test
    void aSingleLongKeyAppendedOutOfOrderWithRepeatsFollowsTheModel() {
        java.util.Random random = new java.util.Random(11);
        CircuitBuilder b = new CircuitBuilder();
        b.output("table", b.upsertInput("u", new int[] {1}), true);
        Circuit c = b.build();
        Map<Long, Row> model = new TreeMap<>();
        Multiset integral = new Multiset();
        for (int step = 0; step < 60; step++) {
            int commands = random.nextInt(step % 10 == 0 ? 3000 : 200);
            for (int i = 0; i < commands; i++) {
                long key = random.nextInt(500) - 250L;
                if (random.nextInt(5) == 0) {
                    c.append("u", Row.of("x", key), -1);
                    model.remove(key);
                } else {
                    Row row = Row.of("v" + random.nextInt(3), key);
                    c.append("u", row, 1);
                    model.put(key, row);
                }
            }
            integral.addAll(c.step().get("table"));
            Multiset expected = new Multiset();
            model.values().forEach(row -> expected.add(row, 1));
            assertThat(integral.asMap()).isEqualTo(expected.asMap());
            assertThat(Multiset.of(c.snapshot("table")).asMap()).isEqualTo(expected.asMap());
        }
    }

    @Test
    void replacingARowWithAnEqualOneEmitsNothing() {
        CircuitBuilder b = new CircuitBuilder();
        b.output("u", b.upsertInput("u", new int[] {0}), false);
        Circuit c = b.build();
        c.append("u", Row.of(1, "a"), 1);
        c.step();
        c.append("u", Row.of(1, "b"), 1);
        c.append("u", Row.of(1, "a"), 1);
        assertThat(c.step().get("u")).isEqualTo(Batch.empty());
    }

    @Test
    void weightsOtherThanPlusOrMinusOneAreRefused() {
        CircuitBuilder b = new CircuitBuilder();
        b.upsertInput("u", new int[] {0});
        Circuit c = b.build();
        assertThatThrownBy(() -> c.append("u", Row.of(1), 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
