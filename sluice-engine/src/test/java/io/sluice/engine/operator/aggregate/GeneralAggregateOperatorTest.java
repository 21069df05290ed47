package io.sluice.engine.operator.aggregate;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.testing.ChangeScript;
import io.sluice.engine.testing.Multiset;
import io.sluice.engine.testing.OperatorProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class GeneralAggregateOperatorTest {
    /** Rows (g, x, s): g in 0..2, x in -2..2 or NULL, s a string of x or NULL. */
    private static final ChangeScript.Domain DOMAIN = ChangeScript.Domain.of(n -> {
        int g = n % 3;
        int code = (n / 3) % 6;
        return code == 5 ? Row.of(g, null, null) : Row.of(g, code - 2, "s" + code);
    });

    /** The generic hook: the number of distinct non-NULL x with a positive weight (COUNT(DISTINCT x)). */
    private static final GroupAggregate COUNT_DISTINCT = (key, group) -> {
        TreeSet<Object> seen = new TreeSet<>(Row::compareValues);
        group.scan(true, (val, weight) -> {
            if (weight > 0 && val.get(1) != null) {
                seen.add(val.get(1));
            }
            return true;
        });
        return Row.of((long) seen.size());
    };

    /** The aggregate of the group's values that have a positive weight, or null if the group is empty. */
    private static Object naive(Multiset t, Object group, int column, boolean max, boolean global) {
        Object best = null;
        boolean any = false;
        for (Row r : t.rows()) {
            if (!global && !r.get(0).equals(group)) {
                continue;
            }
            any = true;
            Object v = r.get(column);
            if (v != null && t.weight(r) > 0 && (best == null || (max ? Row.compareValues(v, best) > 0
                    : Row.compareValues(v, best) < 0))) {
                best = v;
            }
        }
        return any || global ? new Object[] {best} : null;
    }

    private static Map<String, Multiset> recompute(List<Multiset> tables) {
        Multiset t = tables.get(0);
        Map<String, Multiset> out = new LinkedHashMap<>();
        out.put("min", new Multiset());
        out.put("max", new Multiset());
        out.put("maxString", new Multiset());
        out.put("countDistinct", new Multiset());
        out.put("globalMax", new Multiset());
        for (int g = 0; g < 3; g++) {
            if (naive(t, g, 1, false, false) == null) {
                continue;
            }
            out.get("min").add(Row.of(g, ((Object[]) naive(t, g, 1, false, false))[0]), 1);
            out.get("max").add(Row.of(g, ((Object[]) naive(t, g, 1, true, false))[0]), 1);
            out.get("maxString").add(Row.of(g, ((Object[]) naive(t, g, 2, true, false))[0]), 1);
            TreeSet<Object> distinct = new TreeSet<>(Row::compareValues);
            for (Row r : t.rows()) {
                if (r.get(0).equals(g) && r.get(1) != null) {
                    distinct.add(r.get(1));
                }
            }
            out.get("countDistinct").add(Row.of(g, (long) distinct.size()), 1);
        }
        out.get("globalMax").add(Row.of(((Object[]) naive(t, null, 1, true, true))[0]), 1);
        return out;
    }

    @Test
    void minMaxAndTheGenericHookEqualRecomputeAndSurviveRestore() {
        OperatorProperty.check(200, workers -> {
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream t = b.input("t");
            b.output("min", t.indexBy(r -> Row.of(r.get(0)), r -> r).min(1), true);
            b.output("max", t.indexBy(r -> Row.of(r.get(0)), r -> r).max(1), true);
            b.output("maxString", t.indexBy(r -> Row.of(r.get(0)), r -> r).max(2), true);
            b.output("countDistinct", t.indexBy(r -> Row.of(r.get(0)), r -> r).groupAggregate(COUNT_DISTINCT, null), true);
            b.output("globalMax", t.indexBy(r -> Row.EMPTY, r -> r).globalGroupAggregate(MinMax.max(1)), true);
            return b.build(workers);
        }, DOMAIN, GeneralAggregateOperatorTest::recompute);
    }
}
