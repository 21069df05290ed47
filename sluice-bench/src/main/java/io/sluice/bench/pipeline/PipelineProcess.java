package io.sluice.bench.pipeline;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real pipeline process, {@code java -jar sluice.jar}, started as a child of this JVM in its
 * own working directory with {@code FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM=1} and a fresh deployment id.
 *
 * <p>A daemon thread ({@code pipeline-log}) reads the child's stdout and stderr and records each
 * line with the {@link System#nanoTime} it arrived at, so a measurement can tell when the process
 * logged an event as well as what it logged. Since this JVM is the parent, {@link Process#waitFor}
 * returns when the kernel reports the exit, not when some other reaper gets to the zombie.
 *
 * <p>Only the process started here is ever signalled or killed.
 */
final class PipelineProcess implements AutoCloseable {
    static final String CLEAN_SHUTDOWN_VARIABLE = "FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM";

    private final Process process;
    private final Path workDir;
    private final List<LogLine> log = new ArrayList<>();
    private final Thread reader;

    /** A line of the child's output and when it arrived. */
    record LogLine(long nanos, String text) {
    }

    private PipelineProcess(Process process, Path workDir) {
        this.process = process;
        this.workDir = workDir;
        this.reader = new Thread(this::readOutput, "pipeline-log");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the jar in {@code workDir} (which holds {@code config.yaml} and {@code program.sql}) and
     * waits until it has written its {@code port} file.
     */
    static PipelineProcess start(Path jar, Path workDir, List<String> jvmOptions, Duration timeout)
            throws IOException, InterruptedException {
        requireNonNull(jar, "jar is null");
        Path portFile = workDir.resolve("port");
        Files.deleteIfExists(portFile);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--config-file", workDir.resolve("config.yaml").toString(),
                "--sql-file", workDir.resolve("program.sql").toString(), "--default-port", "0",
                "--initial", "running", "--deployment-id", UUID.randomUUID().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put(CLEAN_SHUTDOWN_VARIABLE, "1");
        PipelineProcess pipeline = new PipelineProcess(builder.start(), workDir);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.isRegularFile(portFile) || Files.readString(portFile).isBlank()) {
            if (!pipeline.process.isAlive()) {
                throw new IllegalStateException("pipeline exited with " + pipeline.process.exitValue()
                        + " before publishing its port:\n" + pipeline.tail(40));
            }
            if (System.nanoTime() > deadline) {
                pipeline.close();
                throw new IllegalStateException("pipeline did not publish its port within " + timeout + ":\n" + pipeline.tail(40));
            }
            Thread.sleep(20);
        }
        return pipeline;
    }

    /** The port the process bound, from the file it wrote once it served. */
    int port() throws IOException {
        return Integer.parseInt(Files.readString(workDir.resolve("port")).strip());
    }

    long pid() {
        return process.pid();
    }

    /** The resident set size from {@code /proc/<pid>/status}, or empty where there is no procfs. */
    Optional<Long> residentBytes() throws IOException {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        if (!Files.isReadable(status)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
            }
        }
        return Optional.empty();
    }

    /**
     * CPU time the process used so far (user + system, all threads), from {@code /proc/<pid>/stat},
     * or empty where there is no procfs.
     */
    Optional<Duration> cpuTime() throws IOException {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        if (!Files.isReadable(stat)) {
            return Optional.empty();
        }
        String text = Files.readString(stat);
        // Fields after the command name (which may hold spaces), which ends at the last ')'.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Optional.of(Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND));
    }

    /** {@code getconf CLK_TCK}: 100 on Linux for every architecture the JDK runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** Sends SIGTERM with the {@code kill} command, as a kubelet or a person would. */
    void sendSigterm() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
        int code = kill.waitFor();
        if (code != 0) {
            throw new IllegalStateException("kill -TERM " + process.pid() + " exited with " + code);
        }
    }

    /** Waits for the exit and returns the exit code; kills the process and fails after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException("pipeline did not exit within " + timeout + ":\n" + tail(40));
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        return process.exitValue();
    }

    /** The number of lines logged so far; a mark for {@link #linesSince}. */
    synchronized int lineCount() {
        return log.size();
    }

    synchronized List<LogLine> linesSince(int mark) {
        return List.copyOf(log.subList(mark, log.size()));
    }

    /** The last line since {@code mark} that {@code matches}. */
    Optional<LogLine> lastLine(int mark, Predicate<String> matches) {
        List<LogLine> lines = linesSince(mark);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (matches.test(lines.get(i).text())) {
                return Optional.of(lines.get(i));
            }
        }
        return Optional.empty();
    }

    synchronized String tail(int lines) {
        StringBuilder s = new StringBuilder();
        for (LogLine line : log.subList(Math.max(0, log.size() - lines), log.size())) {
            s.append(line.text()).append('\n');
        }
        return s.toString();
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                LogLine entry = new LogLine(System.nanoTime(), line);
                synchronized (this) {
                    log.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process if it still runs (SIGKILL; this is cleanup, not a measurement). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
