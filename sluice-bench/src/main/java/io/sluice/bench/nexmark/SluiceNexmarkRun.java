package io.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.sql.CompiledProgram;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Nexmark query run in-process on Sluice: a fresh circuit of the compiled program, events
 * generated {@code batch} at a time, appended to their tables and followed by one step; the view's
 * deltas are folded into a {@link ResultDigest}.
 *
 * <p>What is timed: only {@code append} and {@code step}. Generating the events and digesting the
 * output happen outside it, so the figure is the engine's. CPU time is that of the stepping thread in
 * the timed intervals plus that of the circuit's worker threads ({@code sluice-worker-*}, which run
 * only inside {@code step}) over the whole run, so with {@code workers > 1} it covers every thread
 * that runs the circuit. Process CPU time covers the whole run, including generation and the garbage
 * collector's threads.
 * Peak heap is the sum of the heap pools' peaks since the run began (after a GC), an upper bound of
 * the true peak; live heap is what a full GC leaves at the end while the circuit is still reachable.
 */
public final class SluiceNexmarkRun {
    /** The name prefix of the threads {@link Circuit} starts for workers 1..N-1 (worker 0 is the caller). */
    static final String WORKER_THREAD_PREFIX = "sluice-worker-";

    /** The figures of one run. */
    public record Result(String query, int workers, long events, long steps, double seconds, double cpuSeconds,
            double workerCpuSeconds, double processCpuSeconds, long peakHeapBytes, long liveHeapBytes,
            ResultDigest digest) {
        public double eventsPerSecond() {
            return events / seconds;
        }
    }

    private SluiceNexmarkRun() {
    }

    /** One worker: {@link #run(String, CompiledProgram, NexmarkGenerator, long, int, int, int)} with 1. */
    public static Result run(String query, CompiledProgram program, NexmarkGenerator generator, long events,
            int batch, int exactLimit) {
        return run(query, program, generator, events, batch, exactLimit, 1);
    }

    /** Runs {@code query} on a fresh circuit of {@code workers} workers, closed at the end. */
    public static Result run(String query, CompiledProgram program, NexmarkGenerator generator, long events,
            int batch, int exactLimit, int workers) {
        requireNonNull(program, "program is null");
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be positive: " + batch);
        }
        if (workers <= 0) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.gc();
        List<MemoryPoolMXBean> heapPools = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                heapPools.add(pool);
            }
        }
        long processCpuStart = processCpuNanos();
        Map<Long, Long> workerCpuBefore = workerThreadCpuNanos(threads);
        Circuit circuit = program.newCircuit(workers);
        ResultDigest digest = new ResultDigest(exactLimit);
        String[] tableOf = {"person", "auction", "bid"};
        NexmarkGenerator.Kind[] kinds = new NexmarkGenerator.Kind[batch];
        Row[] rows = new Row[batch];
        long nanos = 0;
        long cpuNanos = 0;
        long workerCpuNanos;
        try {
            for (long start = 0; start < events; start += batch) {
                int count = (int) Math.min(batch, events - start);
                for (int i = 0; i < count; i++) {
                    NexmarkGenerator.Event e = generator.event(start + i);
                    kinds[i] = e.kind();
                    rows[i] = e.row();
                }
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    circuit.append(tableOf[kinds[i].ordinal()], rows[i], 1);
                }
                Map<String, Batch> deltas = circuit.step();
                nanos += System.nanoTime() - t0;
                cpuNanos += threads.getCurrentThreadCpuTime() - cpu0;
                Batch delta = deltas.get(query);
                if (delta == null) {
                    throw new IllegalStateException("the program has no view named " + query + "; views: "
                            + deltas.keySet());
                }
                for (int i = 0; i < delta.size(); i++) {
                    digest.add(delta.key(i).toArray(), delta.weight(i));
                }
            }
            // read before close(): the pool's threads end with it
            workerCpuNanos = workerCpuSince(threads, workerCpuBefore);
        } finally {
            circuit.close();
        }
        long processCpu = processCpuNanos() - processCpuStart;
        long peak = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            peak += pool.getPeakUsage().getUsed();
        }
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long steps = circuit.steps();
        return new Result(query, workers, events, steps, nanos / 1e9, (cpuNanos + workerCpuNanos) / 1e9,
                workerCpuNanos / 1e9, processCpu / 1e9, peak, live, digest);
    }

    /** CPU time of every live {@code sluice-worker-*} thread, by thread id. */
    static Map<Long, Long> workerThreadCpuNanos(ThreadMXBean threads) {
        Map<Long, Long> out = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(WORKER_THREAD_PREFIX)) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    out.put(info.getThreadId(), cpu);
                }
            }
        }
        return out;
    }

    /** CPU time the worker threads used since {@code before} was taken (threads started since count whole). */
    static long workerCpuSince(ThreadMXBean threads, Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> e : workerThreadCpuNanos(threads).entrySet()) {
            total += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return total;
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
