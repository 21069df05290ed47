package io.sluice.bench.engine;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Consolidating an unsorted batch: {@link Batch.Builder#build()} sorts {@code size} (row, weight)
 * entries and sums the weights of equal rows. Keys are drawn from half as many values as there
 * are entries, so about a third of the entries merge; this is the cost every operator pays per
 * step for its output, and the upsert input pays for every ingested chunk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatchBuildBenchmark {
    private static final long SEED = 42;

    @Param({"1000", "100000"})
    int size;

    private Row[] rows;

    @Setup
    public void setup() {
        rows = RandomRows.keyValue(size, Math.max(1, size / 2), SEED);
    }

    @Benchmark
    public Batch build() {
        return consolidate(rows);
    }

    private static Batch consolidate(Row[] rows) {
        Batch.Builder builder = Batch.builder(rows.length);
        for (Row row : rows) {
            builder.add(row, 1);
        }
        return builder.build();
    }
}
