package io.sluice.engine.algebra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BatchTest {
    @Test
    void builderSortsAndConsolidates() {
        Batch b = Batch.builder().add(Row.of(2), 1).add(Row.of(1), 1).add(Row.of(2), 2).add(Row.of(1), -1).build();
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.key(0)).isEqualTo(Row.of(2));
        assertThat(b.weight(0)).isEqualTo(3);
    }

    @Test
    void builderMatchesASortedMapForOrderedReversedAndShuffledInput() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 400; round++) {
            int n = random.nextInt(300);
            int keyRange = 1 + random.nextInt(n + 1);
            int[][] entries = new int[n][];
            for (int i = 0; i < n; i++) {
                entries[i] = new int[] {random.nextInt(keyRange), random.nextInt(3), random.nextInt(5) - 2};
            }
            int shape = round % 3;
            java.util.Comparator<int[]> byEntry = java.util.Comparator.<int[]>comparingInt(e -> e[0]).thenComparingInt(e -> e[1]);
            if (shape == 0) {
                java.util.Arrays.sort(entries, byEntry);
            } else if (shape == 1) {
                java.util.Arrays.sort(entries, byEntry.reversed());
            }
            java.util.TreeMap<Row, Long> expected = new java.util.TreeMap<>((x, y) -> x.compareTo(y));
            Batch.Builder builder = Batch.builder(4);
            for (int[] e : entries) {
                Row entry = Row.of(e[0], e[1]);
                expected.merge(entry, (long) e[2], Long::sum);
                builder.add(Row.of(e[0]), Row.of(e[1]), e[2]);
            }
            expected.values().removeIf(w -> w == 0);
            Batch b = builder.build();
            assertThat(b.size()).isEqualTo(expected.size());
            int i = 0;
            for (java.util.Map.Entry<Row, Long> e : expected.entrySet()) {
                assertThat(b.key(i).concat(b.val(i))).isEqualTo(e.getKey());
                assertThat(b.weight(i)).isEqualTo(e.getValue());
                i++;
            }
            assertThat(builder.size()).isZero();
            assertThat(builder.build()).isEqualTo(Batch.empty());
        }
    }

    @Test
    void sortedPositionsIsAStableSortForRunsAndRandomInput() {
        java.util.Random random = new java.util.Random(3);
        for (int round = 0; round < 300; round++) {
            int n = random.nextInt(2000);
            int[] values = new int[n];
            int runLength = 1 + random.nextInt(400);
            for (int i = 0; i < n; i++) {
                values[i] = switch (round % 4) {
                    case 0 -> random.nextInt(50);
                    case 1 -> (i % runLength) * 3 + random.nextInt(2);
                    // Sorted blocks in descending order of block, touching at their ends: block swaps.
                    case 2 -> (n / runLength - i / runLength) * runLength + i % runLength + (i % runLength == 0 ? 1 : 0);
                    // Sorted chunks of consecutive values in a shuffled chunk order (concurrent clients).
                    default -> chunkOrder(n, runLength, round)[i / runLength] * runLength + i % runLength;
                };
            }
            int[] order = Batch.sortedPositions(n, (i, j) -> Integer.compare(values[i], values[j]));
            assertThat(order).hasSize(n);
            assertThat(java.util.Arrays.stream(order).sorted().toArray())
                    .isEqualTo(java.util.stream.IntStream.range(0, n).toArray());
            for (int i = 1; i < n; i++) {
                int a = order[i - 1];
                int b = order[i];
                assertThat(values[a] < values[b] || (values[a] == values[b] && a < b)).as("position %d", i).isTrue();
            }
        }
    }

    private static int[] chunkOrder(int n, int chunk, long seed) {
        java.util.List<Integer> chunks = new java.util.ArrayList<>();
        for (int c = 0; c <= n / chunk; c++) {
            chunks.add(c);
        }
        java.util.Collections.shuffle(chunks, new java.util.Random(seed));
        return chunks.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void plusOfBatchesThatDoNotOverlapIsTheirConcatenation() {
        Batch low = Batch.builder().add(Row.of(1), 1).add(Row.of(2), -1).build();
        Batch high = Batch.builder().add(Row.of(3), 2).add(Row.of(4), 1).build();
        Batch expected = Batch.builder().addAll(low).addAll(high).build();
        assertThat(low.plus(high)).isEqualTo(expected);
        assertThat(high.plus(low)).isEqualTo(expected);
        Batch overlapping = Batch.builder().add(Row.of(2), 1).add(Row.of(5), 1).build();
        assertThat(low.plus(overlapping)).isEqualTo(Batch.builder().add(Row.of(1), 1).add(Row.of(5), 1).build());
    }

    @Test
    void decimalsEqualByValueAreOneEntry() {
        Batch b = Batch.builder().add(Row.of(new BigDecimal("1.0")), 1).add(Row.of(new BigDecimal("1.00")), 1).build();
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.weight(0)).isEqualTo(2);
    }

    @Test
    void plusOfNegationIsEmpty() {
        Batch b = Batch.builder().add(Row.of(1), Row.of("x"), 3).add(Row.of((Object) null), Row.of("y"), -2).build();
        assertThat(b.plus(b.negate()).isEmpty()).isTrue();
        assertThat(b.plus(b)).isEqualTo(Batch.builder().addAll(b).addAll(b).build());
    }

    @Test
    void weightOverflowThrows() {
        Batch b = Batch.ofRow(Row.of(1), Long.MAX_VALUE);
        assertThatThrownBy(() -> b.plus(b)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void cursorGroupsValuesByKeyAndSeeks() {
        Batch b = Batch.builder().add(Row.of(1), Row.of("a"), 1).add(Row.of(1), Row.of("b"), 1)
                .add(Row.of(3), Row.of("c"), 1).build();
        Cursor c = b.cursor();
        assertThat(c.key()).isEqualTo(Row.of(1));
        c.stepVal();
        assertThat(c.val()).isEqualTo(Row.of("b"));
        c.stepVal();
        assertThat(c.valValid()).isFalse();
        c.seekKey(Row.of(2));
        assertThat(c.key()).isEqualTo(Row.of(3));
        c.stepKey();
        assertThat(c.keyValid()).isFalse();
    }

    @Test
    void rowOfASingleNullIsOneNullColumn() {
        assertThat(Row.of((Object[]) null)).isEqualTo(Row.of((Object) null));
        assertThat(Row.of((Object[]) null).arity()).isEqualTo(1);
    }

    @Test
    void nullSortsFirst() {
        Batch b = Batch.builder().add(Row.of(1), 1).add(Row.of((Object) null), 1).build();
        assertThat(b.key(0).isNull(0)).isTrue();
    }
}
