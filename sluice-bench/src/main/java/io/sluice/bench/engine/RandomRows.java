package io.sluice.bench.engine;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.SplittableRandom;

/** Benchmark input: rows {@code (k BIGINT, v BIGINT)} from a fixed seed, so every run sees the same data. */
final class RandomRows {
    private RandomRows() {
    }

    /** {@code count} rows whose keys are drawn from {@code 0 .. keyRange-1}, so keys repeat when the range is small. */
    static Row[] keyValue(int count, long keyRange, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Row[] rows = new Row[count];
        for (int i = 0; i < count; i++) {
            rows[i] = Row.of(random.nextLong(keyRange), random.nextLong(1_000_000));
        }
        return rows;
    }

    /** The table state of {@code count} distinct keys as the upsert operator holds it: key row to whole row, weight 1. */
    static Batch table(int count, long firstKey, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Batch.Builder builder = Batch.builder(count);
        for (long k = firstKey; k < firstKey + count; k++) {
            builder.add(Row.of(k), Row.of(k, random.nextLong(1_000_000)), 1);
        }
        return builder.build();
    }
}
