package io.sluice.bench.pipeline;

import io.sluice.bench.BenchArguments;
import io.sluice.bench.ResultLine;
import io.sluice.bench.Scenario;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 5: rows per second through {@code POST /ingress} of the real pipeline process into a table
 * with a primary key, client and server on this machine.
 *
 * <p>Starts {@code sluice.jar} as a child process (in-memory, no storage, 1 worker) with
 * <pre>CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, a BIGINT, s VARCHAR, d DOUBLE)</pre>
 * and, per format, first generates every request body (keys {@code 0..rows-1} in order, cut into
 * requests of {@code --request-rows}), then posts them from {@code --clients} threads, each taking
 * the next body until none is left, over a keep-alive socket of its own ({@link SocketHttpClient};
 * {@code --client jdk} uses the JDK's HttpClient), and keeps the completion token of every answer. The clock runs
 * from the first request to the moment every token reports {@code complete}: every row is then in
 * the table's state. Before that, {@code --warmup-rows} rows with other keys go the same way
 * unmeasured, so the JIT has compiled the path.
 */
public final class IngressScenario implements Scenario {
    private static final Logger LOG = LoggerFactory.getLogger(IngressScenario.class);
    static final String PROGRAM = "CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, a BIGINT, s VARCHAR, d DOUBLE);\n";

    @Override
    public String name() {
        return "ingress";
    }

    @Override
    public String description() {
        return "rows/s through POST /ingress of sluice.jar into a primary-key table [--format csv,json]"
                + " [--rows 2000000] [--warmup-rows 1000000] [--request-rows 10000] [--clients 4]"
                + " [--update-format insert_delete|raw] [--lines multiple|single] [--client socket|jdk]"
                + " [--jar sluice-pipeline/target/sluice.jar] [--jvm-options \"-Xmx4g\"] [--timeout-secs 600]";
    }

    @Override
    public Set<String> options() {
        return Set.of("format", "rows", "warmup-rows", "request-rows", "clients", "update-format", "lines", "client", "jar",
                "jvm-options", "timeout-secs");
    }

    /** What one run posts. */
    private record Settings(int rows, int warmupRows, int requestRows, int clients, String updateFormat, String lines,
            boolean jdkClient, Duration timeout) {
    }

    @Override
    public List<ResultLine> run(BenchArguments args) throws Exception {
        List<String> formats = args.choices("format", "csv,json", Set.of("csv", "json"));
        Settings settings = new Settings(args.positiveInt("rows", 2_000_000),
                args.has("warmup-rows") ? Integer.parseInt(args.string("warmup-rows", "0").strip()) : 1_000_000,
                args.positiveInt("request-rows", 10_000), args.positiveInt("clients", 4),
                args.choices("update-format", "insert_delete", Set.of("insert_delete", "raw")).get(0),
                args.choices("lines", "multiple", Set.of("multiple", "single")).get(0),
                args.choices("client", "socket", Set.of("socket", "jdk")).get(0).equals("jdk"),
                Duration.ofSeconds(args.positiveInt("timeout-secs", 600)));
        Path jar = SigtermExitScenario.locateJar(args.string("jar", "sluice-pipeline/target/sluice.jar"));
        String jvm = args.string("jvm-options", "").strip();
        List<String> jvmOptions = jvm.isEmpty() ? List.of() : Arrays.asList(jvm.split("\\s+"));
        List<ResultLine> results = new ArrayList<>();
        for (String format : formats) {
            List<ResultLine> run = runOnce(jar, jvmOptions, format, settings);
            run.forEach(r -> LOG.info("{}", r));
            results.addAll(run);
        }
        return results;
    }

    private List<ResultLine> runOnce(Path jar, List<String> jvmOptions, String format, Settings settings) throws Exception {
        Path dir = Files.createTempDirectory("sluice-bench-ingress-");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("format", format);
        if (format.equals("json")) {
            labels.put("update_format", settings.updateFormat());
            labels.put("lines", settings.lines());
        }
        if (settings.jdkClient()) {
            labels.put("client", "jdk");
        }
        labels.put("rows", Integer.toString(settings.rows()));
        labels.put("clients", Integer.toString(settings.clients()));
        labels.put("request_rows", Integer.toString(settings.requestRows()));
        String query = format.equals("csv") ? "format=csv"
                : "format=json&update_format=" + settings.updateFormat() + "&lines=" + settings.lines();
        try {
            Files.writeString(dir.resolve("program.sql"), PROGRAM);
            Files.writeString(dir.resolve("config.yaml"), "name: bench\nworkers: 1\n");
            List<byte[]> warmup = bodies(format, settings, -settings.warmupRows(), settings.warmupRows());
            List<byte[]> measured = bodies(format, settings, 0, settings.rows());
            long bodyBytes = measured.stream().mapToLong(b -> b.length).sum();
            try (PipelineProcess process = PipelineProcess.start(jar, dir, jvmOptions, Duration.ofMinutes(2))) {
                PipelineClient client = new PipelineClient(process.port(), true);
                awaitRunning(client, Duration.ofMinutes(2));
                if (!warmup.isEmpty()) {
                    LOG.info("warm-up: {} rows", settings.warmupRows());
                    post(client, process.port(), query, warmup, settings);
                }
                LOG.atInfo().addKeyValue("format", format).addKeyValue("rows", settings.rows())
                        .addKeyValue("bytes", bodyBytes).addKeyValue("pid", process.pid()).log("measuring");
                Optional<Duration> serverCpuBefore = process.cpuTime();
                long clientCpuBefore = clientCpuNanos();
                Timing t = post(client, process.port(), query, measured, settings);
                long clientCpu = clientCpuNanos() - clientCpuBefore;
                Optional<Duration> serverCpu = process.cpuTime().flatMap(after -> serverCpuBefore.map(after::minus));
                List<ResultLine> out = new ArrayList<>();
                out.add(new ResultLine("ingress_rows_per_sec", labels, Math.round(settings.rows() * 1e9 / t.completeNanos()), "rows/s"));
                out.add(new ResultLine("ingress_acked_rows_per_sec", labels, Math.round(settings.rows() * 1e9 / t.ackedNanos()), "rows/s"));
                out.add(new ResultLine("ingress_mb_per_sec", labels, bodyBytes * 1e3 / t.completeNanos(), "MB/s"));
                out.add(new ResultLine("ingress_ms", labels, t.completeNanos() / 1e6, "ms"));
                serverCpu.ifPresent(cpu -> out.add(new ResultLine("pipeline_cpu_ns_per_row", labels,
                        Math.round((double) cpu.toNanos() / settings.rows()), "ns")));
                if (clientCpu >= 0) {
                    out.add(new ResultLine("client_cpu_ns_per_row", labels, Math.round((double) clientCpu / settings.rows()), "ns"));
                }
                process.residentBytes().ifPresent(rss -> out.add(new ResultLine("pipeline_rss_bytes", labels, rss, "bytes")));
                return out;
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    /** CPU time of this JVM (the HTTP client threads, mostly, during a measurement); -1 when unknown. */
    private static long clientCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** From the first request: until every request was answered 200, and until every token is complete. */
    private record Timing(long ackedNanos, long completeNanos) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TOKEN = new com.fasterxml.jackson.databind.ObjectMapper();

    private static Timing post(PipelineClient client, int port, String query, List<byte[]> bodies, Settings settings) throws Exception {
        AtomicInteger next = new AtomicInteger();
        String[] tokens = new String[bodies.size()];
        ExecutorService pool = Executors.newFixedThreadPool(settings.clients(), r -> {
            Thread t = new Thread(r, "ingress-client");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < settings.clients(); i++) {
                done.add(pool.submit(() -> {
                    if (settings.jdkClient()) {
                        for (int b = next.getAndIncrement(); b < bodies.size(); b = next.getAndIncrement()) {
                            tokens[b] = client.ingest("t", query, bodies.get(b));
                        }
                        return null;
                    }
                    try (SocketHttpClient http = new SocketHttpClient(port)) {
                        for (int b = next.getAndIncrement(); b < bodies.size(); b = next.getAndIncrement()) {
                            SocketHttpClient.Response r = http.post("/ingress/t?" + query, bodies.get(b));
                            if (r.status() != 200) {
                                throw new IllegalStateException("ingress answered " + r.status() + ": "
                                        + (r.body().length() > 500 ? r.body().substring(0, 500) + "..." : r.body()));
                            }
                            tokens[b] = TOKEN.readTree(r.body()).path("token").asText();
                        }
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
        long acked = System.nanoTime() - start;
        long deadline = start + settings.timeout().toNanos();
        // A token covers its request and every request acknowledged before it, so each is checked once,
        // newest first: once the newest is complete, the rest are too (checked anyway, it costs little).
        for (int i = tokens.length - 1; i >= 0; i--) {
            while (!client.isComplete(tokens[i])) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("rows not processed within " + settings.timeout());
                }
                Thread.sleep(1);
            }
        }
        return new Timing(acked, System.nanoTime() - start);
    }

    /** Request bodies for keys {@code from .. from+count-1}, {@code --request-rows} rows each. */
    static List<byte[]> bodies(String format, Settings settings, long from, int count) {
        List<byte[]> out = new ArrayList<>();
        StringBuilder s = new StringBuilder();
        for (long start = from; start < from + count; start += settings.requestRows()) {
            s.setLength(0);
            long end = Math.min(from + count, start + settings.requestRows());
            for (long k = start; k < end; k++) {
                long a = mix(k);
                String name = "name-" + Long.toHexString(a & 0xFFFFF);
                double d = (a >>> 11) * 0x1.0p-53 * 1000;
                if (format.equals("csv")) {
                    s.append(k).append(',').append(a).append(',').append(name).append(',').append(d).append('\n');
                } else {
                    boolean raw = settings.updateFormat().equals("raw");
                    s.append(raw ? "" : "{\"insert\":").append("{\"k\":").append(k).append(",\"a\":").append(a)
                            .append(",\"s\":\"").append(name).append("\",\"d\":").append(d).append(raw ? "}\n" : "}}\n");
                }
            }
            out.add(s.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** SplitMix64: values are a fixed function of the key, so every run posts the same data. */
    private static long mix(long key) {
        long z = key * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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
        throw new IllegalStateException("pipeline did not reach Running within " + timeout + "; last status "
                + last.toLowerCase(Locale.ROOT));
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
