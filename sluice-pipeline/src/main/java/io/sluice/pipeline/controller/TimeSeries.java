package io.sluice.pipeline.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The last {@link #KEPT} one-second samples of the pipeline's progress, for {@code /time_series}:
 * processed records, resident memory and storage use. A daemon thread ({@code time-series}) takes a
 * sample every second until {@link #stop}.
 *
 * <p>Thread safety: the samples are guarded by the instance's monitor, which also wakes the
 * readers of {@code /time_series_stream} when a sample is added.
 */
public final class TimeSeries {
    static final int KEPT = 60;
    private static final long PERIOD_MS = 1000;
    private static final Path STATM = Path.of("/proc/self/statm");
    /** Linux's page size on the platforms we run on; statm counts pages. */
    private static final long PAGE_BYTES = 4096;

    /**
     * @param t sample time, epoch milliseconds
     * @param r total processed records
     * @param m resident memory of the process, bytes
     * @param s storage in use, bytes
     */
    public record Sample(long t, long r, long m, long s) {}

    private final LongSupplier processedRecords;
    private final LongSupplier storageBytes;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final Thread thread;
    private boolean stopped;

    TimeSeries(LongSupplier processedRecords, LongSupplier storageBytes) {
        this.processedRecords = processedRecords;
        this.storageBytes = storageBytes;
        this.thread = new Thread(this::run, "time-series");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    /** Oldest first. */
    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /**
     * The samples taken after time {@code t}, waiting up to {@code timeoutMs} for one if there is
     * none yet; empty on timeout or once stopped.
     */
    public synchronized List<Sample> awaitAfter(long t, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!stopped && (samples.isEmpty() || samples.peekLast().t() <= t)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return List.of();
            }
            wait(left);
        }
        return samples.stream().filter(s -> s.t() > t).toList();
    }

    private void run() {
        try {
            while (!isStopped()) {
                add(new Sample(System.currentTimeMillis(), processedRecords.getAsLong(), residentBytes(),
                        storageBytes.getAsLong()));
                Thread.sleep(PERIOD_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void add(Sample sample) {
        if (stopped) {
            return;
        }
        if (samples.size() == KEPT) {
            samples.removeFirst();
        }
        samples.addLast(sample);
        notifyAll();
    }

    /** Resident set size from {@code /proc}; where there is none, the JVM's heap in use. */
    static long residentBytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE_BYTES;
        } catch (IOException | RuntimeException e) {
            Runtime rt = Runtime.getRuntime();
            return rt.totalMemory() - rt.freeMemory();
        }
    }
}
