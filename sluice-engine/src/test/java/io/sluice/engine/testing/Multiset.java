package io.sluice.engine.testing;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The naive model of a Z-set of rows: a map from row to its non-zero weight. */
public final class Multiset {
    private final Map<Row, Long> weights = new HashMap<>();

    public static Multiset of(Batch batch) {
        Multiset m = new Multiset();
        m.addAll(batch);
        return m;
    }

    public void add(Row row, long weight) {
        long w = weights.getOrDefault(row, 0L) + weight;
        if (w == 0) {
            weights.remove(row);
        } else {
            weights.put(row, w);
        }
    }

    /** Adds a Z-set batch; its values must be empty. */
    public void addAll(Batch batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.val(i).arity() != 0) {
                throw new AssertionError("not a Z-set of rows: " + batch);
            }
            add(batch.key(i), batch.weight(i));
        }
    }

    public long weight(Row row) {
        return weights.getOrDefault(row, 0L);
    }

    public Map<Row, Long> asMap() {
        return Map.copyOf(weights);
    }

    /** The distinct rows, sorted, so picks by index are deterministic. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>(weights.keySet());
        rows.sort(null);
        return rows;
    }

    public int distinctSize() {
        return weights.size();
    }
}
