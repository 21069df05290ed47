package io.sluice.engine.operator.topk;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopKOperatorTest {
    /** Rows (p, x, y): partition p in 0..1, order key x in 0..2 (many ties), y in 0..1. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> Row.of(n % 2, (n / 2) % 3, (n / 6) % 2));

    /** ORDER BY x DESC. */
    private static final Comparator<Row> BY_X_DESC = Comparator.comparing((Row r) -> (Integer) r.get(1)).reversed();

    private static Circuit program(int workers) {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream byPartition = b.input("t").indexBy(r -> Row.of(r.get(0)), r -> r);
        for (RankKind kind : RankKind.values()) {
            for (int k = 1; k <= 3; k++) {
                b.output(kind + "-" + k, byPartition.topK(BY_X_DESC, k, kind), true);
                b.output("columns-" + kind + "-" + k, byPartition.topK(new int[] {1}, true, k, kind), true);
                b.output("ascending-" + kind + "-" + k, byPartition.topK(new int[] {1}, false, k, kind), true);
            }
        }
        return b.build(workers);
    }

    /** The top k of each partition in {@code order}, ties broken by {@code tieBreak}, numbered as {@code kind} numbers them. */
    private static Multiset naive(Multiset t, RankKind kind, int k, Comparator<Row> order, Comparator<Row> tieBreak) {
        Multiset out = new Multiset();
        for (int p = 0; p < 2; p++) {
            List<Row> copies = new ArrayList<>();
            for (Row r : t.rows()) {
                if (r.get(0).equals(p)) {
                    for (long c = 0; c < t.weight(r); c++) {
                        copies.add(r);
                    }
                }
            }
            copies.sort(order.thenComparing(tieBreak));
            long dense = 0;
            for (int i = 0; i < copies.size(); i++) {
                Row r = copies.get(i);
                boolean tie = i > 0 && order.compare(copies.get(i - 1), r) == 0;
                if (!tie) {
                    dense++;
                }
                long rank = i + 1;
                for (int j = i; j > 0 && order.compare(copies.get(j - 1), r) == 0; j--) {
                    rank = j;
                }
                long number = switch (kind) {
                    case ROW_NUMBER -> i + 1;
                    case RANK -> rank;
                    case DENSE_RANK -> dense;
                };
                if (number <= k) {
                    out.add(r.concat(Row.of(number)), 1);
                }
            }
        }
        return out;
    }

    @Test
    void topKEqualsRecomputeAndSurvivesRestore() {
        OperatorProperty.check(150, TopKOperatorTest::program, DOMAIN, tables -> {
            Map<String, Multiset> out = new LinkedHashMap<>();
            for (RankKind kind : RankKind.values()) {
                for (int k = 1; k <= 3; k++) {
                    Multiset t = tables.get(0);
                    out.put(kind + "-" + k, naive(t, kind, k, BY_X_DESC, Comparator.naturalOrder()));
                    out.put("columns-" + kind + "-" + k, naive(t, kind, k, BY_X_DESC, Comparator.<Row>naturalOrder().reversed()));
                    out.put("ascending-" + kind + "-" + k, naive(t, kind, k, BY_X_DESC.reversed(), Comparator.naturalOrder()));
                }
            }
            return out;
        });
    }

    @Test
    void rankSkipsAfterTiesAndDenseRankDoesNot() {
        CircuitBuilder b = new CircuitBuilder();
        CircuitBuilder.Stream all = b.input("t").indexBy(r -> Row.EMPTY, r -> r);
        b.output("rank", all.topK(BY_X_DESC, 2, RankKind.RANK), true);
        b.output("dense", all.topK(BY_X_DESC, 2, RankKind.DENSE_RANK), true);
        Circuit c = b.build();
        c.append("t", Row.of(0, 9, 0), 1);
        c.append("t", Row.of(0, 9, 1), 1);
        c.append("t", Row.of(0, 5, 0), 1);
        c.step();
        assertThat(c.snapshot("rank")).isEqualTo(Batch.builder().add(Row.of(0, 9, 0, 1L), 1).add(Row.of(0, 9, 1, 1L), 1).build());
        assertThat(c.snapshot("dense")).isEqualTo(Batch.builder().add(Row.of(0, 9, 0, 1L), 1).add(Row.of(0, 9, 1, 1L), 1)
                .add(Row.of(0, 5, 0, 2L), 1).build());
    }
}
