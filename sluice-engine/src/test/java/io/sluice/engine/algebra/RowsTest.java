package io.sluice.engine.algebra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The columnar layout must be invisible: every comparison, search and gather on {@link Rows}
 * agrees with the same operation on the {@link Row} objects it was made from, whatever the mix of
 * kinds, NULLs and arities.
 */
class RowsTest {
    /** Values that exercise each column kind and its edge cases, plus mixes of classes in one column. */
    private static final List<Object> VALUES = java.util.Arrays.asList(null, 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 7L,
            0, -5, Integer.MAX_VALUE, 0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, 2.5, "", "a", "b",
            new BigDecimal("1.0"), new BigDecimal("1.00"), true);

    /** Column c of row r draws from {@code VALUES} restricted to one kind, or from all of them (mixed). */
    private static Row row(List<Integer> codes, int from, int arity, int kindSeed) {
        Object[] values = new Object[arity];
        for (int c = 0; c < arity; c++) {
            int code = codes.get((from + c) % codes.size());
            values[c] = pick(code, (kindSeed + c) % 4);
        }
        return Row.of(values);
    }

    private static Object pick(int code, int kind) {
        return switch (kind) {
            case 0 -> code % 6 == 0 ? null : (long) (code % 9) - 4;
            case 1 -> code % 5 == 0 ? null : (code % 7) - 3;
            case 2 -> code % 4 == 0 ? null : VALUES.get(9 + code % 5);
            default -> VALUES.get(code % VALUES.size());
        };
    }

    private static List<Row> rows(List<Integer> codes, int arity, int kindSeed) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            rows.add(row(codes, i, arity, kindSeed));
        }
        return rows;
    }

    @Test
    void columnComparisonsAgreeWithRowComparisons() {
        qt().withExamples(300).forAll(lists().of(integers().between(0, 1000)).ofSizeBetween(1, 80),
                integers().between(1, 3), integers().between(0, 3)).checkAssert((codes, arity, kindSeed) -> {
                    List<Row> list = rows(codes, arity, kindSeed);
                    Rows rows = Rows.of(list.toArray(new Row[0]), list.size());
                    Rows other = Rows.of(rows(codes.subList(0, Math.max(1, codes.size() / 2)), arity, kindSeed + 1)
                            .toArray(new Row[0]), Math.max(1, codes.size() / 2));
                    for (int i = 0; i < list.size(); i++) {
                        assertThat(rows.get(i)).isEqualTo(list.get(i));
                        for (int j = 0; j < list.size(); j++) {
                            assertThat(Integer.signum(rows.compare(i, rows, j)))
                                    .isEqualTo(Integer.signum(list.get(i).compareTo(list.get(j))));
                            assertThat(Integer.signum(rows.compare(i, list.get(j))))
                                    .isEqualTo(Integer.signum(list.get(i).compareTo(list.get(j))));
                        }
                        for (int j = 0; j < other.size(); j++) {
                            assertThat(Integer.signum(rows.compare(i, other, j)))
                                    .isEqualTo(Integer.signum(list.get(i).compareTo(other.get(j))));
                        }
                    }
                });
    }

    @Test
    void batchesBuiltFromAnyMixSortSearchAndMergeLikeRows() {
        qt().withExamples(300).forAll(lists().of(integers().between(0, 1000)).ofSizeBetween(0, 60),
                lists().of(integers().between(0, 1000)).ofSizeBetween(0, 60), integers().between(0, 3))
                .checkAssert((a, b, kindSeed) -> {
                    Batch x = batch(a, kindSeed);
                    Batch y = batch(b, kindSeed);
                    Batch sum = x.plus(y);
                    // The sum equals a batch built from both lists of rows at once.
                    Batch.Builder both = Batch.builder();
                    addAll(both, a, kindSeed);
                    addAll(both, b, kindSeed);
                    assertThat(sum).isEqualTo(both.build());
                    for (int i = 1; i < sum.size(); i++) {
                        int c = sum.key(i - 1).compareTo(sum.key(i));
                        assertThat(c < 0 || (c == 0 && sum.val(i - 1).compareTo(sum.val(i)) < 0)).isTrue();
                    }
                    for (int i = 0; i < sum.size(); i++) {
                        Row key = sum.key(i);
                        int lo = sum.lowerBound(key, 0);
                        int hi = sum.upperBound(key, 0);
                        assertThat(sum.key(lo)).isEqualTo(key);
                        assertThat(lo == 0 || sum.key(lo - 1).compareTo(key) < 0).isTrue();
                        assertThat(hi == sum.size() || sum.key(hi).compareTo(key) > 0).isTrue();
                        assertThat(sum.seekForward(key, 0)).isEqualTo(lo);
                    }
                });
    }

    private static Batch batch(List<Integer> codes, int kindSeed) {
        Batch.Builder b = Batch.builder();
        addAll(b, codes, kindSeed);
        return b.build();
    }

    private static void addAll(Batch.Builder b, List<Integer> codes, int kindSeed) {
        for (int i = 0; i < codes.size(); i++) {
            int code = codes.get(i);
            b.add(Row.of(pick(code, kindSeed), pick(code / 3, (kindSeed + 1) % 4)), Row.of(pick(code / 7, kindSeed)),
                    code % 3 == 0 ? -1 : 1);
        }
    }

    @Test
    void aBigintKeyColumnTakesEightBytesAndEmptyValuesNone() {
        Batch.Builder b = Batch.builder();
        for (long k = 0; k < 1000; k++) {
            b.add(Row.of(k, k * 3), 1);
        }
        Batch batch = b.build();
        assertThat(batch.bytesPerEntry()).isEqualTo(8 + 8 + 8);
    }
}
