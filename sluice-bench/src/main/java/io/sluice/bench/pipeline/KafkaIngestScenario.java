package io.sluice.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 8: rows per second from a local Kafka broker through {@code kafka_input} of the real
 * pipeline process into a table with a primary key.
 *
 * <p>Starts a KRaft broker in this JVM ({@link KafkaBroker}), fills a topic of {@code --partitions}
 * partitions with {@code --rows} messages, one row each (the rows of {@link IngressScenario}: keys
 * {@code 0..rows-1}, spread over the partitions by key), and a warm-up topic with
 * {@code --warmup-rows} rows of negative keys. Then, per format, it starts {@code sluice.jar} as a
 * child process with
 * <pre>CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, a BIGINT, s VARCHAR, d DOUBLE)</pre>
 * and two {@code kafka_input} endpoints on {@code t}: {@code t.warmup} reads the warm-up topic at
 * once, {@code t.kafka} the measured topic but starts paused. Once the warm-up rows are processed,
 * the benchmark starts {@code t.kafka} and the clock runs until {@code /stats} reports every row
 * processed ({@code total_processed_records}): every row then went through a step into the table.
 * The run fails if more records than were sent are processed.
 */
public final class KafkaIngestScenario implements Scenario {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestScenario.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static final String MEASURED_ENDPOINT = "t.kafka";

    @Override
    public String name() {
        return "kafka-ingest";
    }

    @Override
    public String description() {
        return "rows/s from a local Kafka broker through kafka_input of sluice.jar into a primary-key table"
                + " [--format csv,json] [--rows 5000000] [--warmup-rows 1000000] [--partitions 4]"
                + " [--update-format insert_delete|raw] [--consumer-properties max.poll.records=2000,...]"
                + " [--jar sluice-pipeline/target/sluice.jar] [--jvm-options \"-Xmx4g\"] [--timeout-secs 600]";
    }

    @Override
    public Set<String> options() {
        return Set.of("format", "rows", "warmup-rows", "partitions", "update-format", "consumer-properties", "jar",
                "jvm-options", "timeout-secs");
    }

    /**
     * What one run reads. {@code countTable} (the smoke test's setting) declares the table
     * materialized and, after the clock, requires {@code SELECT COUNT(*) FROM t} to count every row
     * once; the benchmark leaves it off, since a materialized table keeps a second copy of its state.
     */
    record Settings(int rows, int warmupRows, int partitions, String updateFormat, Map<String, String> consumerProperties,
            Duration timeout, boolean countTable) {
    }

    @Override
    public List<ResultLine> run(BenchArguments args) throws Exception {
        List<String> formats = args.choices("format", "csv,json", Set.of("csv", "json"));
        Settings settings = new Settings(args.positiveInt("rows", 5_000_000),
                args.has("warmup-rows") ? nonNegative(args.string("warmup-rows", "0")) : 1_000_000,
                args.positiveInt("partitions", 4),
                args.choices("update-format", "insert_delete", Set.of("insert_delete", "raw")).get(0),
                consumerProperties(args.string("consumer-properties", "")),
                Duration.ofSeconds(args.positiveInt("timeout-secs", 600)), false);
        Path jar = SigtermExitScenario.locateJar(args.string("jar", "sluice-pipeline/target/sluice.jar"));
        String jvm = args.string("jvm-options", "").strip();
        List<String> jvmOptions = jvm.isEmpty() ? List.of() : Arrays.asList(jvm.split("\\s+"));
        return measure(jar, jvmOptions, formats, settings);
    }

    /** Starts the broker, then measures each format in turn; also the entry point of the smoke test. */
    static List<ResultLine> measure(Path jar, List<String> jvmOptions, List<String> formats, Settings settings) throws Exception {
        Path dir = Files.createTempDirectory("sluice-bench-kafka-");
        List<ResultLine> results = new ArrayList<>();
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            LOG.info("broker on {}", broker.bootstrap());
            for (String format : formats) {
                List<ResultLine> run = runOnce(jar, jvmOptions, broker.bootstrap(), dir.resolve(format), format, settings);
                run.forEach(r -> LOG.info("{}", r));
                results.addAll(run);
            }
        } finally {
            deleteRecursively(dir);
        }
        return results;
    }

    private static int nonNegative(String raw) {
        int value;
        try {
            value = Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--warmup-rows must be an integer: " + raw, e);
        }
        if (value < 0) {
            throw new IllegalArgumentException("--warmup-rows must not be negative: " + value);
        }
        return value;
    }

    /** {@code key=value,key=value}: Kafka consumer properties added to both endpoints' transport config. */
    static Map<String, String> consumerProperties(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0 || !part.substring(0, eq).contains(".")) {
                throw new IllegalArgumentException("--consumer-properties must be dotted.key=value pairs separated by commas: " + part);
            }
            out.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return out;
    }

    private static List<ResultLine> runOnce(Path jar, List<String> jvmOptions, String bootstrap, Path dir, String format,
            Settings settings) throws Exception {
        Files.createDirectories(dir);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("format", format);
        if (format.equals("json")) {
            labels.put("update_format", settings.updateFormat());
        }
        labels.put("rows", Integer.toString(settings.rows()));
        labels.put("partitions", Integer.toString(settings.partitions()));
        String topic = "rows-" + format;
        String warmupTopic = "warmup-" + format;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, settings.partitions(), (short) 1),
                    new NewTopic(warmupTopic, settings.partitions(), (short) 1))).all().get();
            awaitLeaders(admin, List.of(topic, warmupTopic));
        }
        fill(bootstrap, warmupTopic, format, settings, -settings.warmupRows(), settings.warmupRows());
        long start = System.nanoTime();
        long bytes = fill(bootstrap, topic, format, settings, 0, settings.rows());
        LOG.atInfo().addKeyValue("topic", topic).addKeyValue("rows", settings.rows()).addKeyValue("bytes", bytes)
                .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000).log("topic filled");

        Path work = dir.resolve("pipeline");
        Files.createDirectories(work);
        Files.writeString(work.resolve("program.sql"), settings.countTable()
                ? IngressScenario.PROGRAM.replace(");\n", ") WITH ('materialized' = 'true');\n") : IngressScenario.PROGRAM);
        Files.writeString(work.resolve("config.yaml"), config(bootstrap, topic, warmupTopic, format, settings));
        try (PipelineProcess process = PipelineProcess.start(jar, work, jvmOptions, Duration.ofMinutes(2))) {
            PipelineClient client = new PipelineClient(process.port(), true);
            awaitRunning(client, Duration.ofMinutes(2));
            if (settings.warmupRows() > 0) {
                LOG.info("warm-up: {} rows", settings.warmupRows());
            }
            awaitProcessed(client, process, settings.warmupRows(), Duration.ofMinutes(10));
            LOG.atInfo().addKeyValue("format", format).addKeyValue("rows", settings.rows()).addKeyValue("pid", process.pid())
                    .log("measuring");
            Optional<Duration> cpuBefore = process.cpuTime();
            long brokerCpuBefore = thisJvmCpuNanos();
            long t0 = System.nanoTime();
            try (SocketHttpClient http = new SocketHttpClient(process.port())) {
                SocketHttpClient.Response r = http.post("/input_endpoints/" + MEASURED_ENDPOINT + "/start", new byte[0]);
                if (r.status() != 200) {
                    throw new IllegalStateException("starting " + MEASURED_ENDPOINT + " answered " + r.status() + ": " + r.body());
                }
            }
            awaitProcessed(client, process, (long) settings.warmupRows() + settings.rows(), settings.timeout());
            long nanos = System.nanoTime() - t0;
            long brokerCpu = thisJvmCpuNanos() - brokerCpuBefore;
            Optional<Duration> cpu = process.cpuTime().flatMap(after -> cpuBefore.map(after::minus));
            List<ResultLine> out = new ArrayList<>();
            out.add(new ResultLine("kafka_ingest_rows_per_sec", labels, Math.round(settings.rows() * 1e9 / nanos), "rows/s"));
            out.add(new ResultLine("kafka_ingest_mb_per_sec", labels, bytes * 1e3 / nanos, "MB/s"));
            out.add(new ResultLine("kafka_ingest_ms", labels, nanos / 1e6, "ms"));
            cpu.ifPresent(c -> out.add(new ResultLine("pipeline_cpu_ns_per_row", labels,
                    Math.round((double) c.toNanos() / settings.rows()), "ns")));
            if (brokerCpuBefore >= 0) {
                out.add(new ResultLine("broker_cpu_ns_per_row", labels, Math.round((double) brokerCpu / settings.rows()), "ns"));
            }
            process.residentBytes().ifPresent(rss -> out.add(new ResultLine("pipeline_rss_bytes", labels, rss, "bytes")));
            // After the clock: the rows are in the table, one per key, not just counted as processed.
            long inTable = settings.countTable() ? tableRows(process.port()) : (long) settings.warmupRows() + settings.rows();
            if (inTable != (long) settings.warmupRows() + settings.rows()) {
                throw new IllegalStateException("table t holds " + inTable + " rows, expected "
                        + ((long) settings.warmupRows() + settings.rows()));
            }
            return out;
        }
    }

    /** The pipeline's config: the warm-up endpoint reads at once, the measured one starts paused. */
    static String config(String bootstrap, String topic, String warmupTopic, String format, Settings settings) {
        StringBuilder extra = new StringBuilder();
        settings.consumerProperties().forEach((k, v) -> extra.append(", ").append(k).append(": \"").append(v).append('"'));
        String fmt = format.equals("csv") ? "{name: csv}"
                : "{name: json, config: {update_format: " + settings.updateFormat() + "}}";
        String endpoint = """
                  %s:
                    stream: t
                    transport: {name: kafka_input, config: {bootstrap.servers: "%s", topic: %s%s}}
                    format: %s
                    paused: %s
                """;
        StringBuilder s = new StringBuilder("name: bench\nworkers: 1\ninputs:\n");
        if (settings.warmupRows() > 0) {
            s.append(endpoint.formatted("t.warmup", bootstrap, warmupTopic, extra, fmt, "false"));
        }
        s.append(endpoint.formatted(MEASURED_ENDPOINT, bootstrap, topic, extra, fmt, "true"));
        return s.toString();
    }

    /** Waits until every partition of {@code topics} has a leader, so the first sends do not bounce. */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(topics).allTopicNames().get().values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false; // created, but not yet in the broker's metadata
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions of " + topics + " have no leader after a minute");
            }
            Thread.sleep(50);
        }
    }

    /** Produces rows {@code from .. from+count-1} to {@code topic}, one message each, partition by key; returns the bytes. */
    private static long fill(String bootstrap, String topic, String format, Settings settings, long from, int count) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("linger.ms", "20");
        p.put("batch.size", Integer.toString(512 * 1024));
        p.put("buffer.memory", Long.toString(128L * 1024 * 1024));
        // No idempotent producer: right after a topic's creation its retries ran into out-of-order
        // sequence errors here. Retries could then write a row twice; awaitProcessed fails the run if
        // more rows arrive than were sent. Long timeouts for a loaded machine.
        p.put("enable.idempotence", "false");
        p.put("acks", "all");
        p.put("request.timeout.ms", "300000");
        p.put("delivery.timeout.ms", "600000");
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        StringBuilder s = new StringBuilder();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (long k = from; k < from + count; k++) {
                s.setLength(0);
                byte[] value = row(s, format, settings.updateFormat(), k).toString().getBytes(StandardCharsets.UTF_8);
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, (int) Math.floorMod(k, (long) settings.partitions()), null, value),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("filling " + topic + " failed: " + failure.get(), failure.get());
        }
        return bytes;
    }

    /**
     * Row {@code k} as one CSV line or JSON object, without a newline: the same values as
     * {@link IngressScenario}'s rows ({@code a} a SplitMix64 hash of the key, {@code s} a short
     * string, {@code d} a double in [0, 1000) with all its digits).
     */
    static StringBuilder row(StringBuilder s, String format, String updateFormat, long k) {
        long a = mix(k);
        String name = "name-" + Long.toHexString(a & 0xFFFFF);
        double d = (a >>> 11) * 0x1.0p-53 * 1000;
        if (format.equals("csv")) {
            return s.append(k).append(',').append(a).append(',').append(name).append(',').append(d);
        }
        boolean raw = updateFormat.equals("raw");
        return s.append(raw ? "" : "{\"insert\":").append("{\"k\":").append(k).append(",\"a\":").append(a)
                .append(",\"s\":\"").append(name).append("\",\"d\":").append(d).append(raw ? "}" : "}}");
    }

    private static long mix(long key) {
        long z = key * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Polls {@code /stats} until {@code total_processed_records} reaches {@code n}; fails on a parse
     * error or a fatal error of an input, on more records than expected, or after {@code timeout}.
     * Transport errors (a metadata request timing out on a loaded machine) are logged, not fatal:
     * the connector retries by itself, and the time it loses is part of the figure.
     */
    private static void awaitProcessed(PipelineClient client, PipelineProcess process, long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long transportErrors = 0;
        while (true) {
            JsonNode stats = client.stats();
            long processed = stats.path("global_metrics").path("total_processed_records").asLong(-1);
            long errors = 0;
            for (JsonNode input : stats.path("inputs")) {
                JsonNode m = input.path("metrics");
                errors += m.path("num_transport_errors").asLong();
                if (m.path("num_parse_errors").asLong() > 0 || !input.path("fatal_error").isNull()) {
                    throw new IllegalStateException("input " + input.path("endpoint_name").asText() + " reports errors: " + input
                            + "\n" + process.tail(20));
                }
            }
            if (errors > transportErrors) {
                LOG.warn("inputs report {} transport errors (they retry by themselves)", errors);
                transportErrors = errors;
            }
            if (processed == n) {
                return;
            }
            if (processed > n) {
                throw new IllegalStateException("processed " + processed + " records, expected " + n);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("processed " + processed + " of " + n + " records within " + timeout
                        + "\n" + process.tail(20));
            }
            Thread.sleep(20);
        }
    }

    /** {@code SELECT COUNT(*) FROM t} through {@code GET /query}. */
    private static long tableRows(int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String sql = java.net.URLEncoder.encode("SELECT COUNT(*) AS n FROM t", StandardCharsets.UTF_8);
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/query?format=json&sql=" + sql)).timeout(Duration.ofMinutes(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /query answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body().strip()).path("n").asLong(-1);
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

    /** CPU time of this JVM (the broker's threads, mostly, while the pipeline reads); -1 when unknown. */
    private static long thisJvmCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
