package io.sluice.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SpineTest {
    /** Entry code n: key n % 6, value (n / 6) % 3, weight one of -2, -1, 1, 2. */
    private static void addEntry(Batch.Builder b, Map<List<Row>, Long> model, int n) {
        Row key = Row.of(n % 6);
        Row val = Row.of((n / 6) % 3);
        long weight = new long[] {-2, -1, 1, 2}[(n / 18) % 4];
        b.add(key, val, weight);
        model.merge(List.of(key, val), weight, Long::sum);
        model.values().removeIf(w -> w == 0);
    }

    private static Map<List<Row>, Long> read(Cursor c) {
        Map<List<Row>, Long> out = new TreeMap<>(SpineTest::compareEntry);
        Row previousKey = null;
        for (; c.keyValid(); c.stepKey()) {
            if (previousKey != null) {
                assertThat(c.key()).isGreaterThan(previousKey);
            }
            previousKey = c.key();
            assertThat(c.valValid()).as("a key has at least one value").isTrue();
            for (; c.valValid(); c.stepVal()) {
                assertThat(c.weight()).isNotZero();
                assertThat(out.put(List.of(c.key(), c.val()), c.weight())).isNull();
            }
        }
        return out;
    }

    private static List<List<Object>> scan(Spine spine, Row key, boolean descending) {
        List<List<Object>> out = new ArrayList<>();
        spine.scanValues(key, descending, (val, w) -> out.add(List.of(val, w)));
        return out;
    }

    private static int compareEntry(List<Row> a, List<Row> b) {
        int c = a.get(0).compareTo(b.get(0));
        return c != 0 ? c : a.get(1).compareTo(b.get(1));
    }

    @Test
    void spineEqualsListModelAfterEveryInsert() {
        qt().withExamples(300).forAll(lists().of(lists().of(integers().between(0, 71)).ofSizeBetween(0, 12))
                .ofSizeBetween(1, 20)).checkAssert(batches -> {
                    Spine spine = new Spine();
                    Map<List<Row>, Long> model = new TreeMap<>(SpineTest::compareEntry);
                    for (List<Integer> codes : batches) {
                        Batch.Builder b = Batch.builder();
                        codes.forEach(n -> addEntry(b, model, n));
                        spine.insert(b.build());
                        assertThat(read(spine.cursor())).isEqualTo(model);
                        assertThat(read(spine.consolidated().cursor())).isEqualTo(model);
                        for (int k = 0; k < 6; k++) {
                            Row key = Row.of(k);
                            Map<List<Row>, Long> found = new TreeMap<>(SpineTest::compareEntry);
                            spine.lookup(key, (val, w) -> found.put(List.of(key, val), w));
                            Map<List<Row>, Long> expected = new TreeMap<>(SpineTest::compareEntry);
                            model.forEach((e, w) -> {
                                if (e.get(0).equals(key)) {
                                    expected.put(e, w);
                                }
                            });
                            assertThat(found).isEqualTo(expected);
                            List<List<Object>> ascending = new ArrayList<>();
                            expected.forEach((e, w) -> ascending.add(List.of(e.get(1), w)));
                            List<List<Object>> descending = new ArrayList<>(ascending);
                            Collections.reverse(descending);
                            assertThat(scan(spine, key, false)).isEqualTo(ascending);
                            assertThat(scan(spine, key, true)).isEqualTo(descending);
                            for (int v = 0; v < 3; v++) {
                                assertThat(spine.weight(key, Row.of(v)))
                                        .isEqualTo(model.getOrDefault(List.of(key, Row.of(v)), 0L));
                            }
                        }
                        List<Batch> list = spine.batches();
                        for (int i = 1; i < list.size(); i++) {
                            assertThat((long) list.get(i - 1).size()).isGreaterThan(2L * list.get(i).size());
                        }
                    }
                });
    }

    @Test
    void seekKeyMovesToTheFirstKeyAtOrAfterTheTarget() {
        Spine spine = new Spine();
        spine.insert(Batch.builder().add(Row.of(1), Row.of(0), 1).add(Row.of(5), Row.of(0), 1).build());
        spine.insert(Batch.builder().add(Row.of(3), Row.of(0), 1).add(Row.of(5), Row.of(0), -1).build());
        spine.insert(Batch.builder().add(Row.of(9), Row.of(0), 1).build());
        Cursor c = spine.cursor();
        c.seekKey(Row.of(4));
        assertThat(c.key()).as("5 cancels out, so 9 is next").isEqualTo(Row.of(9));
        c.seekKey(Row.of(2));
        assertThat(c.key()).as("seek never moves back").isEqualTo(Row.of(9));
        c.rewind();
        assertThat(c.key()).isEqualTo(Row.of(1));
    }

    @Test
    void batchesListIsImmutableAndSharedUntilTheNextInsert() {
        Spine spine = new Spine();
        spine.insert(Batch.ofRow(Row.of(1), 1));
        List<Batch> before = spine.batches();
        spine.insert(Batch.ofRow(Row.of(2), 1));
        assertThat(before).hasSize(1);
        assertThat(spine.batches()).hasSize(1);
        assertThat(Spine.of(new ArrayList<>(before)).batches().get(0)).isSameAs(before.get(0));
    }

    @Test
    void lookupOneReturnsTheSingleValueOfAKey() {
        Spine spine = new Spine();
        spine.insert(Batch.builder().add(Row.of(1), Row.of("a"), 1).build());
        spine.insert(Batch.builder().add(Row.of(1), Row.of("a"), -1).add(Row.of(1), Row.of("b"), 1).build());
        assertThat(spine.lookupOne(Row.of(1))).isEqualTo(Row.of("b"));
        assertThat(spine.lookupOne(Row.of(2))).isNull();
    }

    @Test
    void weightSumsOneEntryAcrossBatches() {
        Spine spine = new Spine();
        spine.insert(Batch.builder().add(Row.of(1), Row.of("a"), 3).add(Row.of(1), Row.of("b"), 1).build());
        spine.insert(Batch.builder().add(Row.of(1), Row.of("a"), -1).build());
        assertThat(spine.weight(Row.of(1), Row.of("a"))).isEqualTo(2);
        assertThat(spine.weight(Row.of(1), Row.of("c"))).isZero();
        assertThat(spine.weight(Row.of(0), Row.of("a"))).isZero();
    }

    @Test
    void retainDropsEntriesWhenBatchesAreBuiltOrMerged() {
        Spine spine = new Spine();
        for (int k = 0; k < 8; k++) {
            spine.insert(Batch.ofRow(Row.of(k), 1));
        }
        spine.retain((key, val) -> (Integer) key.get(0) >= 5);
        assertThat(spine.entryCount()).as("lazy: nothing merged yet").isEqualTo(8);
        spine.insert(Batch.builder().add(Row.of(3), 1).add(Row.of(9), 1).build());
        assertThat(spine.weight(Row.of(3), Row.EMPTY)).as("the new entry is dropped, the old one waits for a merge")
                .isEqualTo(1);
        for (int k = 10; k <= 16; k++) {
            spine.insert(Batch.ofRow(Row.of(k), 1));
        }
        assertThat(spine.entryCount()).as("the oldest batch took part in a merge: no forgotten entry is left").isEqualTo(11);
        Batch all = spine.consolidated();
        for (int i = 0; i < all.size(); i++) {
            assertThat((Integer) all.key(i).get(0)).isGreaterThanOrEqualTo(5);
        }
        assertThat(all.size()).isEqualTo(11);
    }
}
