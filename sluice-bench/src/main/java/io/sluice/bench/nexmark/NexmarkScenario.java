package io.sluice.bench.nexmark;

import io.sluice.bench.BenchArguments;
import io.sluice.bench.ResultLine;
import io.sluice.bench.Scenario;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompileException;
import io.sluice.sql.SqlCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nexmark}: Nexmark q0-q9 (without q6) on Sluice in-process, each checked against DuckDB over
 * the same events, optionally beside Flink on a local MiniCluster (a jar built with {@code -Pflink}).
 */
public final class NexmarkScenario implements Scenario {
    public static final String FLINK_RUNNER = "io.sluice.bench.nexmark.flink.FlinkNexmarkRunner";

    @Override
    public String name() {
        return "nexmark";
    }

    @Override
    public String description() {
        return "Nexmark q0-q9 (no q6) in-process, events/s, CPU, heap, checked against DuckDB"
                + " (--events 10000000 --queries q0,q1 --batch 10000 --workers 1 --seed 1 --check true --flink false)";
    }

    @Override
    public Set<String> options() {
        return Set.of("events", "queries", "batch", "workers", "seed", "rate", "flink", "check");
    }

    /** What {@link #run} found for one query, also used by tests. */
    public record QueryOutcome(String query, String refusal, SluiceNexmarkRun.Result sluice, Boolean correct,
            String failure, List<String> differences) {
    }

    @Override
    public List<ResultLine> run(BenchArguments args) throws Exception {
        long events = args.positiveLongs("events", "10000000").get(0);
        List<String> queries = args.choices("queries", String.join(",", NexmarkQueries.ALL),
                new LinkedHashSet<>(NexmarkQueries.ALL));
        int batch = args.positiveInt("batch", 10_000);
        int workers = args.positiveInt("workers", 1);
        long seed = args.positiveLongs("seed", "1").get(0);
        int rate = args.positiveInt("rate", 10_000);
        boolean flink = bool(args.string("flink", "false"), "flink");
        boolean check = bool(args.string("check", "true"), "check");
        NexmarkGenerator generator = new NexmarkGenerator(seed, NexmarkGenerator.DEFAULT_BASE_TIME_MS, rate);
        List<ResultLine> results = new ArrayList<>();
        List<QueryOutcome> outcomes = runAll(generator, events, queries, batch, workers, check, 200_000, results);
        if (flink) {
            runFlink(generator, events, queries, workers, outcomes, results);
        }
        return results;
    }

    /** Runs {@code queries}, printing progress, appending RESULT lines to {@code results}. */
    public static List<QueryOutcome> runAll(NexmarkGenerator generator, long events, List<String> queries, int batch,
            int workers, boolean check, int exactLimit, List<ResultLine> results) throws Exception {
        Map<String, CompiledProgram> programs = new LinkedHashMap<>();
        List<QueryOutcome> outcomes = new ArrayList<>();
        for (String q : queries) {
            try {
                programs.put(q, SqlCompiler.compile(NexmarkQueries.program(q)));
            } catch (SqlCompileException e) {
                System.out.println("nexmark " + q + ": refused by the compiler: " + e.getMessage());
                results.add(line("nexmark_" + q + "_refused", 1, "flag"));
                outcomes.add(new QueryOutcome(q, e.getMessage(), null, null, null, List.of()));
            }
        }
        DuckDbOracle oracle = null;
        try {
            if (check && !programs.isEmpty()) {
                long t0 = System.nanoTime();
                oracle = DuckDbOracle.open();
                oracle.load(generator, events);
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("nexmark: loaded %,d events into DuckDB in %.1f s%n", events, seconds);
                results.add(line("nexmark_duckdb_load_seconds", seconds, "s"));
            }
            for (Map.Entry<String, CompiledProgram> e : programs.entrySet()) {
                outcomes.add(runOne(e.getKey(), e.getValue(), generator, events, batch, workers, oracle, exactLimit, results));
            }
        } finally {
            if (oracle != null) {
                oracle.close();
            }
        }
        return outcomes;
    }

    private static QueryOutcome runOne(String q, CompiledProgram program, NexmarkGenerator generator, long events,
            int batch, int workers, DuckDbOracle oracle, int exactLimit, List<ResultLine> results) throws Exception {
        SluiceNexmarkRun.Result r;
        try {
            r = SluiceNexmarkRun.run(q, program, generator, events, batch, exactLimit, workers);
        } catch (RuntimeException | OutOfMemoryError e) {
            System.out.println("nexmark " + q + ": failed: " + e);
            results.add(line("nexmark_" + q + "_failed", 1, "flag"));
            return new QueryOutcome(q, null, null, null, e.toString(), List.of());
        }
        System.out.printf("nexmark %s: %,d events on %d worker(s) in %.2f s = %,.0f events/s, %.2f CPU s"
                + " (of which worker threads %.2f; process %.2f), peak heap %,d MB, live heap after %,d MB,"
                + " %,d output rows%n", q, r.events(), r.workers(), r.seconds(), r.eventsPerSecond(), r.cpuSeconds(),
                r.workerCpuSeconds(), r.processCpuSeconds(), r.peakHeapBytes() >> 20,
                r.liveHeapBytes() >> 20, r.digest().rows());
        results.add(line("nexmark_" + q + "_events_per_sec", r.eventsPerSecond(), "events/s"));
        results.add(line("nexmark_" + q + "_events_per_cpu_sec", r.events() / r.cpuSeconds(), "events/s"));
        results.add(line("nexmark_" + q + "_seconds", r.seconds(), "s"));
        results.add(line("nexmark_" + q + "_cpu_seconds", r.cpuSeconds(), "s"));
        results.add(line("nexmark_" + q + "_worker_thread_cpu_seconds", r.workerCpuSeconds(), "s"));
        results.add(line("nexmark_" + q + "_process_cpu_seconds", r.processCpuSeconds(), "s"));
        results.add(line("nexmark_" + q + "_peak_heap_bytes", r.peakHeapBytes(), "bytes"));
        results.add(line("nexmark_" + q + "_live_heap_bytes", r.liveHeapBytes(), "bytes"));
        results.add(line("nexmark_" + q + "_output_rows", r.digest().rows(), "rows"));
        if (oracle == null) {
            return new QueryOutcome(q, null, r, null, null, List.of());
        }
        long t0 = System.nanoTime();
        ResultDigest expected = oracle.digest(NexmarkQueries.oracle(q), exactLimit);
        double duckSeconds = (System.nanoTime() - t0) / 1e9;
        boolean correct = r.digest().sameAs(expected);
        List<String> differences = r.digest().differences(expected, 10);
        System.out.printf("nexmark %s: DuckDB answered %,d rows in %.2f s; Sluice's answer is %s%n", q,
                expected.rows(), duckSeconds, correct ? "the same" : "DIFFERENT");
        differences.forEach(d -> System.out.println("nexmark " + q + ":   Sluice has " + d.replace("the other", "DuckDB")));
        results.add(line("nexmark_" + q + "_duckdb_seconds", duckSeconds, "s"));
        results.add(line("nexmark_" + q + "_correct", correct ? 1 : 0, "flag"));
        return new QueryOutcome(q, null, r, correct, null, differences);
    }

    private static void runFlink(NexmarkGenerator generator, long events, List<String> queries, int workers,
            List<QueryOutcome> outcomes, List<ResultLine> results) throws Exception {
        PeerRunner runner;
        try {
            runner = (PeerRunner) Class.forName(FLINK_RUNNER).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--flink true needs a sluice-bench jar built with -Pflink"
                    + " (mvn -o -q -Pflink -pl sluice-bench -am package -DskipTests)");
        }
        Map<String, SluiceNexmarkRun.Result> sluiceRuns = new LinkedHashMap<>();
        for (QueryOutcome o : outcomes) {
            if (o.sluice() != null) {
                sluiceRuns.put(o.query(), o.sluice());
            }
        }
        for (String q : queries) {
            PeerRunner.PeerResult p;
            try {
                p = runner.run(q, generator, events, workers);
            } catch (Exception e) {
                System.out.println("nexmark " + q + ": Flink failed: " + e);
                e.printStackTrace(System.out);
                results.add(line("nexmark_" + q + "_flink_failed", 1, "flag"));
                continue;
            }
            System.out.printf("nexmark %s: Flink %,d events in %.2f s = %,.0f events/s, %,d output rows%n", q,
                    events, p.seconds(), events / p.seconds(), p.digest().rows());
            results.add(line("nexmark_" + q + "_flink_events_per_sec", events / p.seconds(), "events/s"));
            results.add(line("nexmark_" + q + "_flink_seconds", p.seconds(), "s"));
            SluiceNexmarkRun.Result sluice = sluiceRuns.get(q);
            if (sluice != null) {
                boolean agrees = sluice.digest().sameAs(p.digest());
                System.out.printf("nexmark %s: Sluice/Flink events/s = %.2f; Flink's answer is %s Sluice's%n", q,
                        sluice.eventsPerSecond() / (events / p.seconds()), agrees ? "the same as" : "DIFFERENT from");
                results.add(line("nexmark_" + q + "_sluice_over_flink", sluice.eventsPerSecond() / (events / p.seconds()),
                        "ratio"));
                results.add(line("nexmark_" + q + "_flink_agrees", agrees ? 1 : 0, "flag"));
                sluice.digest().differences(p.digest(), 10).forEach(d -> System.out.println("nexmark " + q + ":   "
                        + d.replace("only in this", "only in Sluice's answer").replace("only in the other", "only in Flink's answer")));
            }
        }
    }

    static boolean bool(String raw, String name) {
        return switch (raw.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false: " + raw);
        };
    }

    static ResultLine line(String name, double value, String unit) {
        return new ResultLine(name, Map.of(), value, unit);
    }
}
