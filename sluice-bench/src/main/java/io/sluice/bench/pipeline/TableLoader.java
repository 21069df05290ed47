package io.sluice.bench.pipeline;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads rows {@code (k, v)} of table {@code t} over CSV ingress, in chunks of {@code chunkRows}, from
 * {@code clients} threads that each take the next chunk until none is left.
 *
 * <p>Ingress has no backpressure (a 200 means queued, not processed), so before each request a
 * client waits while the pipeline reports more than {@code maxBufferedRows} queued records; this
 * keeps a load of 10^7 rows from piling up in the pipeline's heap as one giant step.
 *
 * <p>Values are a fixed function of the key and a seed (SplitMix64), so every run loads the same
 * data and a change with another seed rewrites {@code v} of existing keys.
 */
final class TableLoader {
    private static final String TABLE = "t";
    private static final long VALUE_RANGE = 1_000_000;

    private final PipelineClient client;
    private final int chunkRows;
    private final int clients;
    private final long maxBufferedRows;

    TableLoader(PipelineClient client, int chunkRows, int clients, long maxBufferedRows) {
        this.client = requireNonNull(client, "client is null");
        this.chunkRows = chunkRows;
        this.clients = clients;
        this.maxBufferedRows = maxBufferedRows;
    }

    /** Upserts keys {@code 0 .. rows-1}; returns when every request was acknowledged (queued). */
    void loadRange(long rows, long seed) throws InterruptedException, ExecutionException {
        long chunks = (rows + chunkRows - 1) / chunkRows;
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "loader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                done.add(pool.submit(() -> {
                    for (long c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                        awaitQueueBelowLimit();
                        long from = c * chunkRows;
                        client.ingestCsv(TABLE, csv(from, Math.min(rows, from + chunkRows), 1, seed));
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Upserts {@code count} keys spread evenly over {@code 0 .. rows-1} with values of {@code seed},
     * in one request: the "small change since the last checkpoint".
     */
    void change(long rows, long count, long seed) throws Exception {
        long stride = Math.max(1, rows / count);
        client.ingestCsv(TABLE, csv(0, Math.min(rows, count * stride), stride, seed));
    }

    /** Polls {@code /stats} until {@code processed} records went through the circuit and nothing is queued. */
    void awaitProcessed(long processed, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var metrics = client.stats().path("global_metrics");
            if (metrics.path("total_processed_records").asLong() >= processed
                    && metrics.path("buffered_input_records").asLong() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline did not process " + processed + " records within " + timeout
                        + "; last stats: " + metrics);
            }
            Thread.sleep(20);
        }
    }

    private void awaitQueueBelowLimit() throws Exception {
        while (client.stats().path("global_metrics").path("buffered_input_records").asLong() > maxBufferedRows) {
            Thread.sleep(10);
        }
    }

    private static byte[] csv(long from, long to, long stride, long seed) {
        StringBuilder s = new StringBuilder((int) Math.min(Integer.MAX_VALUE, (to - from) / stride * 20));
        for (long k = from; k < to; k += stride) {
            s.append(k).append(',').append(value(k, seed)).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static long value(long key, long seed) {
        long z = key + seed * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return Math.floorMod(z ^ (z >>> 31), VALUE_RANGE);
    }
}
