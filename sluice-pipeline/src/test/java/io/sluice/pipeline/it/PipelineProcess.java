package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real pipeline process for end-to-end tests: {@code java -jar sluice.jar} started as a child in
 * its own working directory, reached only over HTTP on the port it publishes, and stopped with real
 * signals sent by {@code kill} to the PID this harness started.
 *
 * <p>The child is started through {@code perl -e '$SIG{INT}=...; exec ...'} so that its SIGINT
 * disposition is known whatever the test runner's was: a process started from a background job of
 * a non-interactive shell inherits SIGINT ignored, and the JVM then cannot handle it.
 */
final class PipelineProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("sluice.jar", "target/sluice.jar")).toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path workDir;
    private final Path log;
    private final int port;

    private PipelineProcess(Process process, Path workDir, Path log, int port) {
        this.process = process;
        this.workDir = workDir;
        this.log = log;
        this.port = port;
    }

    /**
     * Options of one start.
     *
     * @param checkpointIntervalSecs {@code fault_tolerance.checkpoint_interval_secs} in the generated config, or null
     *     for no {@code fault_tolerance} section (no periodic checkpoints)
     */
    record Options(Path workDir, Path sqlFile, Path storage, boolean cleanShutdown, String initial, String deploymentId,
            boolean ignoreSigint, List<String> extraArgs, Map<String, String> env, Integer checkpointIntervalSecs,
            String configExtra) {
        Options withDeploymentId(String id) {
            return new Options(workDir, sqlFile, storage, cleanShutdown, initial, id, ignoreSigint, extraArgs, env, checkpointIntervalSecs, configExtra);
        }

        Options withInitial(String value) {
            return new Options(workDir, sqlFile, storage, cleanShutdown, value, deploymentId, ignoreSigint, extraArgs, env, checkpointIntervalSecs, configExtra);
        }

        Options withCleanShutdown(boolean on) {
            return new Options(workDir, sqlFile, storage, on, initial, deploymentId, ignoreSigint, extraArgs, env, checkpointIntervalSecs, configExtra);
        }

        Options withSigintIgnored() {
            return new Options(workDir, sqlFile, storage, cleanShutdown, initial, deploymentId, true, extraArgs, env, checkpointIntervalSecs, configExtra);
        }

        Options withStorage(Path path) {
            return new Options(workDir, sqlFile, path, cleanShutdown, initial, deploymentId, ignoreSigint, extraArgs, env, checkpointIntervalSecs, configExtra);
        }

        Options withCheckpointIntervalSecs(int secs) {
            return new Options(workDir, sqlFile, storage, cleanShutdown, initial, deploymentId, ignoreSigint, extraArgs, env, secs, configExtra);
        }

        /** YAML appended to the generated config (e.g. a {@code fault_tolerance} section when no interval is set). */
        Options withConfig(String yaml) {
            return new Options(workDir, sqlFile, storage, cleanShutdown, initial, deploymentId, ignoreSigint, extraArgs, env, checkpointIntervalSecs, yaml);
        }

        /** More command-line arguments for the pipeline process. */
        Options withArgs(String... args) {
            return new Options(workDir, sqlFile, storage, cleanShutdown, initial, deploymentId, ignoreSigint, List.of(args), env, checkpointIntervalSecs, configExtra);
        }

        /** More environment variables for the pipeline process. */
        Options withEnv(Map<String, String> more) {
            return new Options(workDir, sqlFile, storage, cleanShutdown, initial, deploymentId, ignoreSigint, extraArgs, Map.copyOf(more), checkpointIntervalSecs, configExtra);
        }
    }

    static Options options(Path workDir, String sql, boolean cleanShutdown) throws IOException {
        Files.createDirectories(workDir);
        Path sqlFile = workDir.resolve("program.sql");
        Files.writeString(sqlFile, sql);
        return new Options(workDir, sqlFile, workDir.resolve("storage"), cleanShutdown, "running",
                java.util.UUID.randomUUID().toString(), false, List.of(), Map.of(), null, null);
    }

    static PipelineProcess start(Options o) throws IOException, InterruptedException {
        return start(o, "storage: {}\n");
    }

    /** Starts with {@code storageYaml} as the config's {@code storage} section (for example with a sync backend). */
    static PipelineProcess start(Options o, String storageYaml) throws IOException, InterruptedException {
        Path config = o.workDir().resolve("config.yaml");
        String faultTolerance = o.checkpointIntervalSecs() == null ? ""
                : "fault_tolerance: {model: at_least_once, checkpoint_interval_secs: " + o.checkpointIntervalSecs() + "}\n";
        Files.writeString(config, "name: it\nworkers: 1\nstorage_config:\n  path: " + o.storage() + "\n"
                + (storageYaml.isEmpty() ? "storage: {}\n" : storageYaml) + faultTolerance
                + (o.configExtra() == null ? "" : o.configExtra()));
        Path portFile = o.workDir().resolve("port");
        Files.deleteIfExists(portFile);
        Path log = o.workDir().resolve("process-" + System.nanoTime() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("perl", "-e",
                "$SIG{INT} = '" + (o.ignoreSigint() ? "IGNORE" : "DEFAULT") + "'; $SIG{TERM} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"",
                java, "-Xmx512m", "-jar", JAR.toString(), "--config-file", config.toString(), "--sql-file",
                o.sqlFile().toString(), "--default-port", "0", "--initial", o.initial(), "--deployment-id", o.deploymentId()));
        cmd.addAll(o.extraArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(o.workDir().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM");
        if (o.cleanShutdown()) {
            env.put("FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM", "true");
        }
        env.remove("FELDERA_LOG_JSON");
        env.putAll(o.env());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("pipeline exited with " + p.exitValue() + " before publishing its port:\n"
                        + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("pipeline did not publish its port in 60 s:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readString(portFile).strip());
        return new PipelineProcess(p, o.workDir(), log, port);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    Path logFile() {
        return log;
    }

    /** Sends {@code signal} (TERM, INT, KILL) with the {@code kill} command, as the kubelet or a person would. */
    void signal(String signal) throws IOException, InterruptedException {
        assertThat(trySignal(signal)).as("kill -%s exit code", signal).isZero();
    }

    /** Sends {@code signal} with kill(1) and returns its exit code: not 0 when the process is already gone. */
    int trySignal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        return kill.waitFor();
    }

    /** Waits for the process to exit and returns its exit code; fails the test after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pipeline did not exit within " + timeout + "; log:\n" + log());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /status} reports {@code runtime_status} {@code status}. */
    void awaitStatus(String status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/status");
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && r.body().contains("\"runtime_status\":\"" + status + "\"")) {
                return;
            }
            if (r.statusCode() == 500) {
                throw new AssertionError("status is an error while waiting for " + status + ": " + last);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("status never became " + status + "; last: " + last + "\nlog:\n" + log());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts JSON insert/delete events to a table and expects 200. */
    void ingestJson(String table, String events) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/ingress/" + table + "?format=json", events);
        assertThat(r.statusCode()).as("ingress into %s: %s", table, r.body()).isEqualTo(200);
    }

    /** The rows of {@code SELECT ...} as JSON lines, sorted, for comparing snapshots. */
    List<String> query(String sql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/query?format=json&sql=" + URLEncoder.encode(sql, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("query %s: %s", sql, r.body()).isEqualTo(200);
        return r.body().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
