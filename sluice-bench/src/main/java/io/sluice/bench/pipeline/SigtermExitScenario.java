package io.sluice.bench.pipeline;

import io.sluice.bench.BenchArguments;
import io.sluice.bench.ResultLine;
import io.sluice.bench.Scenario;
import io.sluice.sql.SqlCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 4: how long the real pipeline process takes from SIGTERM to exit, by state size, with and
 * without a recent checkpoint.
 *
 * <p>For each size N in {@code --rows} and each variant, in a fresh temporary directory: start
 * {@code sluice.jar} with clean shutdown on, upsert N rows into {@code t} (a primary-key table, so
 * the state is a trace of N rows) feeding a 100-group aggregate, wait until all are processed, then
 * <ul>
 *   <li>{@code no-recent-checkpoint}: SIGTERM at once, so the final checkpoint holds all N rows;</li>
 *   <li>{@code recent-checkpoint}: {@code POST /checkpoint} and wait for it, upsert a small change
 *   ({@code --change-rows}, spread over the keys), wait until processed, then SIGTERM, so the final
 *   checkpoint holds only what changed since.</li>
 * </ul>
 * The clock runs from just before {@code kill -TERM} is started to {@link Process#waitFor}
 * returning, so it includes the fork of {@code kill} (a few ms) and the JVM's exit. The process's
 * own figures come from its log: {@code checkpoint_ms} and {@code shutdown_ms} of the shutdown
 * lines, {@code written_bytes}, {@code capture_ms} and {@code write_ms} of the last
 * {@code checkpoint committed} line.
 *
 * <p>By default the benchmark's HTTP requests carry {@code Connection: close}, so the pipeline's
 * HTTP drain finds no idle connection; {@code --keep-alive true} leaves the JDK client's pooled
 * connections open at SIGTERM, as a long-lived client (a manager, a scraper) would.
 */
public final class SigtermExitScenario implements Scenario {
    private static final Logger LOG = LoggerFactory.getLogger(SigtermExitScenario.class);
    static final String NO_RECENT = "no-recent-checkpoint";
    static final String RECENT = "recent-checkpoint";
    static final String PROGRAM = """
            CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, v BIGINT);
            CREATE MATERIALIZED VIEW s AS SELECT v % 100 AS g, COUNT(*) AS c, SUM(k) AS total FROM t GROUP BY v % 100;
            """;
    private static final long LOAD_SEED = 1;
    private static final long CHANGE_SEED = 2;
    private static final Pattern KEY_VALUE = Pattern.compile("(\\w+)=(\\S+)");

    @Override
    public String name() {
        return "sigterm-exit";
    }

    @Override
    public String description() {
        return "SIGTERM-to-exit time of sluice.jar by state size [--rows 100000,1000000]"
                + " [--variants no-recent-checkpoint,recent-checkpoint] [--jar sluice-pipeline/target/sluice.jar]"
                + " [--change-rows 1000] [--chunk-rows 50000] [--clients 2] [--max-buffered-rows 500000]"
                + " [--keep-alive false] [--jvm-options \"-Xmx8g\"] [--timeout-secs 1800]";
    }

    @Override
    public Set<String> options() {
        return Set.of("rows", "variants", "jar", "change-rows", "chunk-rows", "clients", "max-buffered-rows",
                "keep-alive", "jvm-options", "timeout-secs");
    }

    @Override
    public List<ResultLine> run(BenchArguments args) throws Exception {
        List<Long> sizes = args.positiveLongs("rows", "100000,1000000");
        List<String> variants = args.choices("variants", NO_RECENT + "," + RECENT, Set.of(NO_RECENT, RECENT));
        Path jar = locateJar(args.string("jar", "sluice-pipeline/target/sluice.jar"));
        String jvm = args.string("jvm-options", "").strip();
        Settings settings = new Settings(jar, jvm.isEmpty() ? List.of() : Arrays.asList(jvm.split("\\s+")),
                args.positiveInt("change-rows", 1000), args.positiveInt("chunk-rows", 50_000),
                args.positiveInt("clients", 2), args.positiveInt("max-buffered-rows", 500_000),
                args.choices("keep-alive", "false", Set.of("true", "false")).get(0).equals("true"),
                Duration.ofSeconds(args.positiveInt("timeout-secs", 1800)));
        SqlCompiler.compile(PROGRAM);
        List<ResultLine> results = new ArrayList<>();
        for (long rows : sizes) {
            for (String variant : variants) {
                List<ResultLine> run = runOnce(settings, rows, variant);
                run.forEach(r -> LOG.info("{}", r));
                results.addAll(run);
            }
        }
        return results;
    }

    /** The options of one invocation, fixed for all its runs. */
    private record Settings(Path jar, List<String> jvmOptions, int changeRows, int chunkRows, int clients,
            long maxBufferedRows, boolean keepAlive, Duration timeout) {
    }

    private List<ResultLine> runOnce(Settings settings, long rows, String variant) throws Exception {
        Path dir = Files.createTempDirectory("sluice-bench-sigterm-");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("rows", Long.toString(rows));
        labels.put("variant", variant);
        if (settings.keepAlive()) {
            labels.put("keep_alive", "true");
        }
        List<ResultLine> out = new ArrayList<>();
        try {
            Files.writeString(dir.resolve("program.sql"), PROGRAM);
            Files.writeString(dir.resolve("config.yaml"), "name: bench\nworkers: 1\nstorage_config:\n  path: "
                    + dir.resolve("storage").toAbsolutePath() + "\nstorage: {}\n");
            try (PipelineProcess process = PipelineProcess.start(settings.jar(), dir, settings.jvmOptions(), Duration.ofMinutes(2))) {
                PipelineClient client = new PipelineClient(process.port(), settings.keepAlive());
                awaitRunning(client, Duration.ofMinutes(2));
                TableLoader loader = new TableLoader(client, settings.chunkRows(), settings.clients(), settings.maxBufferedRows());
                LOG.atInfo().addKeyValue("rows", rows).addKeyValue("variant", variant).addKeyValue("pid", process.pid())
                        .log("loading");
                long loadStart = System.nanoTime();
                loader.loadRange(rows, LOAD_SEED);
                loader.awaitProcessed(rows, settings.timeout());
                long loadNanos = System.nanoTime() - loadStart;
                out.add(new ResultLine("load_ms", labels, TimeUnit.NANOSECONDS.toMillis(loadNanos), "ms"));
                out.add(new ResultLine("ingest_rows_per_sec", labels, Math.round(rows * 1e9 / loadNanos), "rows/s"));
                if (variant.equals(RECENT)) {
                    out.addAll(checkpointNow(client, labels, settings.timeout()));
                    loader.change(rows, settings.changeRows(), CHANGE_SEED);
                    loader.awaitProcessed(rows + Math.min(rows, settings.changeRows()), settings.timeout());
                }
                out.addAll(terminate(process, labels, settings.timeout()));
            }
            out.add(new ResultLine("storage_dir_bytes", labels, directoryBytes(dir.resolve("storage")), "bytes"));
        } finally {
            deleteRecursively(dir);
        }
        return out;
    }

    private static void awaitRunning(PipelineClient client, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = client.status().path("runtime_status").asText();
            if (last.equals("Running")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("pipeline did not reach Running within " + timeout + "; last status " + last);
    }

    /** {@code POST /checkpoint}, waits for it to commit, returns what {@code /stats} says it cost. */
    private static List<ResultLine> checkpointNow(PipelineClient client, Map<String, String> labels, Duration timeout)
            throws Exception {
        long sequence = client.checkpoint();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var status = client.checkpointStatus();
            if (status.path("failure").path("sequence_number").asLong(-1) == sequence) {
                throw new IllegalStateException("checkpoint " + sequence + " failed: " + status);
            }
            if (!status.path("success").isNull() && status.path("success").asLong(-1) >= sequence) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("checkpoint " + sequence + " did not commit within " + timeout);
            }
            Thread.sleep(20);
        }
        var last = client.stats().path("last_checkpoint");
        Map<String, String> manual = new LinkedHashMap<>(labels);
        manual.put("checkpoint", "manual");
        return List.of(new ResultLine("checkpoint_ms", manual, last.path("duration_msecs").asLong(), "ms"),
                new ResultLine("checkpoint_written_bytes", manual, last.path("written_bytes").asLong(), "bytes"));
    }

    /** Sends SIGTERM, waits for the exit, and collects the wall time and the shutdown figures the process logged. */
    private static List<ResultLine> terminate(PipelineProcess process, Map<String, String> labels, Duration timeout)
            throws Exception {
        List<ResultLine> out = new ArrayList<>();
        process.residentBytes().ifPresent(rss -> out.add(new ResultLine("pipeline_rss_bytes", labels, rss, "bytes")));
        int mark = process.lineCount();
        long start = System.nanoTime();
        process.sendSigterm();
        int code = process.awaitExit(timeout);
        long exitNanos = System.nanoTime() - start;
        if (code != 0) {
            throw new IllegalStateException("pipeline exited with " + code + " after SIGTERM:\n" + process.tail(40));
        }
        process.linesSince(mark).forEach(l -> LOG.info("pipeline | {}", l.text()));
        // The controller's "checkpoint committed" line carries written_bytes; the shutdown
        // coordinator's "final checkpoint committed" line, logged after it, carries checkpoint_ms.
        PipelineProcess.LogLine committed = required(process.lastLine(mark,
                l -> l.contains("checkpoint committed") && l.contains(" written_bytes=")), process);
        PipelineProcess.LogLine finalLine = required(process.lastLine(mark, l -> l.contains("final checkpoint committed")), process);
        PipelineProcess.LogLine complete = required(process.lastLine(mark, l -> l.contains("shutdown complete")), process);
        Map<String, String> written = keyValues(committed.text());
        out.add(new ResultLine("sigterm_exit_ms", labels, exitNanos / 1e6, "ms"));
        out.add(new ResultLine("final_checkpoint_ms", labels, Long.parseLong(keyValues(finalLine.text()).get("checkpoint_ms")), "ms"));
        out.add(new ResultLine("final_checkpoint_capture_ms", labels, Long.parseLong(written.get("capture_ms")), "ms"));
        out.add(new ResultLine("final_checkpoint_write_ms", labels, Long.parseLong(written.get("write_ms")), "ms"));
        out.add(new ResultLine("shutdown_ms", labels, Long.parseLong(keyValues(complete.text()).get("shutdown_ms")), "ms"));
        out.add(new ResultLine("exit_after_shutdown_complete_ms", labels,
                Math.max(0, (start + exitNanos - complete.nanos()) / 1e6), "ms"));
        out.add(new ResultLine("final_checkpoint_written_bytes", labels, Long.parseLong(written.get("written_bytes")), "bytes"));
        return out;
    }

    private static PipelineProcess.LogLine required(Optional<PipelineProcess.LogLine> line, PipelineProcess process) {
        return line.orElseThrow(() -> new IllegalStateException("expected shutdown log lines missing:\n" + process.tail(40)));
    }

    /** The {@code key=value} fields logback appends to a line ({@code %kvp{NONE}}). */
    private static Map<String, String> keyValues(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = KEY_VALUE.matcher(line);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    /** {@code --jar} as given if it exists, else resolved against the enclosing directories (the repository root). */
    public static Path locateJar(String jar) {
        Path given = Path.of(jar);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && !given.isAbsolute(); dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(given))) {
                return dir.resolve(given);
            }
        }
        if (Files.isRegularFile(given)) {
            return given.toAbsolutePath();
        }
        throw new IllegalArgumentException("pipeline jar not found: " + jar
                + " (build it with: mvn -B -o -q package -DskipTests, or pass --jar)");
    }

    private static long directoryBytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
