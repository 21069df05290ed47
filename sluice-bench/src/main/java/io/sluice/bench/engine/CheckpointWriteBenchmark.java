package io.sluice.bench.engine;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.engine.circuit.OperatorState;
import io.sluice.engine.storage.BatchCodec;
import io.sluice.engine.storage.CircuitStateCodec;
import io.sluice.engine.storage.StateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU side of a checkpoint, without the disk: encoding a table of {@code stateRows} rows
 * ({@code encodeState}, what a checkpoint with nothing stored yet costs), and writing the manifest
 * of that table once it is stored plus a fresh {@value #CHANGE_ROWS}-row batch
 * ({@code writeManifestAfterChange}, what a checkpoint after a small change costs). The second
 * should not grow with {@code stateRows}: stored batches are referenced by name, not re-encoded.
 * Both return the number of bytes encoded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CheckpointWriteBenchmark {
    static final int CHANGE_ROWS = 1000;
    private static final long SEED = 42;

    @Param({"100000", "1000000"})
    int stateRows;

    private Batch table;
    private Batch change;
    private long changeSeed;

    @Setup(Level.Trial)
    public void setupTable() {
        table = RandomRows.table(stateRows, 0, SEED);
        table.markPersisted("b-table.batch");
    }

    /** A fresh, never stored batch per call: a stored one would only be referenced. */
    @Setup(Level.Invocation)
    public void setupChange() {
        change = RandomRows.table(CHANGE_ROWS, stateRows, ++changeSeed);
    }

    @Benchmark
    public long encodeState() throws IOException {
        return encode(table);
    }

    @Benchmark
    public long writeManifestAfterChange() throws IOException {
        return manifestBytes(new CircuitState(2, List.of(new OperatorState("n0-upsert", List.of(table, change), new byte[0]))));
    }

    private static long encode(Batch batch) throws IOException {
        CountingSink sink = new CountingSink();
        BatchCodec.write(batch, sink);
        return sink.bytes;
    }

    private static long manifestBytes(CircuitState state) throws IOException {
        CountingStore store = new CountingStore();
        return CircuitStateCodec.writeManifest(state, store).length + store.bytes;
    }

    /** Discards what is written and counts it. */
    private static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    /** A store that encodes each batch it is given, then discards the bytes. */
    private static final class CountingStore implements StateStore {
        long bytes;
        private int next;

        @Override
        public String putBatch(Batch batch) throws IOException {
            bytes += encode(batch);
            return "b-" + next++ + ".batch";
        }

        @Override
        public Batch getBatch(String name) {
            throw new UnsupportedOperationException("write-only store");
        }
    }
}
