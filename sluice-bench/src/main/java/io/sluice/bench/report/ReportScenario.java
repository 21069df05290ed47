package io.sluice.bench.report;

import io.sluice.bench.BenchArguments;
import io.sluice.bench.BenchMain;
import io.sluice.bench.ResultLine;
import io.sluice.bench.Scenario;
import io.sluice.bench.nexmark.NexmarkScenario;
import io.sluice.bench.pipeline.SigtermExitScenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code report}: runs the issue-10 benchmark set, each benchmark as a child JVM of the same classpath
 * ({@code java -cp <this classpath> io.sluice.bench.BenchMain NAME ...}, so each gets its own heap and
 * JIT, and its command is exactly what a user can run), collects the {@code RESULT} lines, and writes
 * {@code results.json}, {@code results.csv}, {@code results.md} and PNG charts into {@code --out}.
 *
 * <p>Profiles: {@code full} uses issue 10's sizes (10,000,000 Nexmark events, 2 workers, a
 * 10,000,000-row table); {@code quick} small sizes that finish in a few minutes; {@code tiny} the
 * smallest, for the test. A benchmark that fails is reported as failed and the others still run; the
 * files are written with what ran, then the command fails.
 */
public final class ReportScenario implements Scenario {
    public static final String NEXMARK = "nexmark";
    public static final String RECOMPUTE = "recompute-vs-incremental";
    public static final String CHECKPOINT = "checkpoint";
    public static final String SIGTERM = "sigterm-exit";
    static final List<String> ALL = List.of(NEXMARK, RECOMPUTE, CHECKPOINT, SIGTERM);
    static final Set<String> PROFILES = Set.of("tiny", "quick", "full");
    /** How the commands are shown: the jar the default build makes, from the repository root. */
    static final String JAR_COMMAND = "java -jar sluice-bench/target/sluice-bench.jar";

    @Override
    public String name() {
        return "report";
    }

    @Override
    public String description() {
        return "runs nexmark, recompute-vs-incremental, checkpoint and sigterm-exit and writes results.md, results.json,"
                + " results.csv and PNG charts (--out docs/benchmarks --profile quick|full|tiny --flink false"
                + " --benchmarks " + String.join(",", ALL) + " --jar sluice-pipeline/target/sluice.jar)";
    }

    @Override
    public Set<String> options() {
        return Set.of("out", "profile", "flink", "benchmarks", "jar", "timeout-minutes");
    }

    /** One benchmark run of the report: its name, the child JVM's options and its own options in order. */
    public record Step(String benchmark, List<String> jvmOptions, Map<String, String> options) {
        public Step {
            jvmOptions = List.copyOf(jvmOptions);
            options = new LinkedHashMap<>(options);
        }

        @Override
        public Map<String, String> options() {
            return new LinkedHashMap<>(options);
        }

        List<String> arguments() {
            List<String> out = new ArrayList<>();
            out.add(benchmark);
            options.forEach((k, v) -> {
                out.add("--" + k);
                out.add(v);
            });
            return out;
        }

        /** The command a user runs for the same figures, from the repository root. */
        public String command() {
            StringBuilder sb = new StringBuilder("java");
            jvmOptions.forEach(o -> sb.append(' ').append(o));
            sb.append(JAR_COMMAND.substring("java".length())).append(' ').append(benchmark);
            options.forEach((k, v) -> sb.append(" --").append(k).append(' ').append(v.contains(" ") ? "\"" + v + "\"" : v));
            return sb.toString();
        }
    }

    /** What one step gave: its figures, exit code (0 = ran), wall seconds, and the error if it failed. */
    public record Outcome(Step step, List<ResultLine> results, int exitCode, double seconds, String error) {
        public Outcome {
            results = List.copyOf(results);
        }
    }

    /** The steps of {@code profile}, limited to {@code benchmarks}, in the report's order. */
    static List<Step> plan(String profile, boolean flink, String sluiceJar, List<String> benchmarks) {
        List<Step> steps = new ArrayList<>();
        for (String b : ALL) {
            if (!benchmarks.contains(b)) {
                continue;
            }
            Map<String, String> o = new LinkedHashMap<>();
            List<String> jvm = new ArrayList<>();
            switch (b) {
                case NEXMARK -> {
                    o.put("events", switch (profile) {
                        case "tiny" -> "5000";
                        case "quick" -> "100000";
                        default -> "10000000";
                    });
                    o.put("workers", "2");
                    o.put("batch", profile.equals("tiny") ? "1000" : "10000");
                    o.put("check", "true");
                    if (flink) {
                        o.put("flink", "true");
                    }
                }
                case RECOMPUTE -> {
                    o.put("rows", switch (profile) {
                        case "tiny" -> "20000";
                        case "quick" -> "1000000";
                        default -> "10000000";
                    });
                    o.put("change", "100");
                    o.put("repeats", profile.equals("full") ? "10" : "5");
                }
                case CHECKPOINT -> {
                    o.put("rows", switch (profile) {
                        case "tiny" -> "20000";
                        case "quick" -> "1000000";
                        default -> "10000000";
                    });
                    o.put("change-percent", "1");
                    o.put("workers", "2");
                    if (profile.equals("full")) {
                        jvm.add("-Xmx8g");
                    }
                }
                case SIGTERM -> {
                    o.put("rows", switch (profile) {
                        case "tiny" -> "1000,5000";
                        case "quick" -> "10000,100000";
                        default -> "100000,1000000,10000000";
                    });
                    o.put("jar", sluiceJar);
                    if (profile.equals("full")) {
                        o.put("jvm-options", "-Xmx12g");
                    }
                }
                default -> throw new IllegalStateException(b);
            }
            steps.add(new Step(b, jvm, o));
        }
        return steps;
    }

    @Override
    public List<ResultLine> run(BenchArguments args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        String profile = args.choices("profile", "quick", PROFILES).get(0);
        boolean flink = args.choices("flink", "false", Set.of("true", "false")).get(0).equals("true");
        List<String> benchmarks = args.choices("benchmarks", String.join(",", ALL), new LinkedHashSet<>(ALL));
        Path out = args.path("out", "docs/benchmarks");
        String jar = args.string("jar", "sluice-pipeline/target/sluice.jar");
        Duration timeout = Duration.ofMinutes(args.positiveInt("timeout-minutes", profile.equals("full") ? 240 : 30));
        if (benchmarks.contains(SIGTERM)) {
            SigtermExitScenario.locateJar(jar); // fails now, not after the other benchmarks ran
        }
        if (flink && benchmarks.contains(NEXMARK)) {
            try {
                Class.forName(NexmarkScenario.FLINK_RUNNER);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("--flink true needs a sluice-bench jar built with -Pflink"
                        + " (mvn -o -q -Pflink -pl sluice-bench -am package -DskipTests)");
            }
        }
        List<Step> steps = plan(profile, flink, jar, benchmarks);
        Map<String, String> machine = Machine.describe();
        List<Outcome> outcomes = new ArrayList<>();
        for (Step step : steps) {
            System.out.println("report: running " + step.command());
            outcomes.add(runChild(step, timeout));
        }
        machine.put("load_average_end", Machine.loadAverage());
        List<String> command = new ArrayList<>(List.of(JAR_COMMAND, "report", "--profile", profile));
        if (args.has("out")) {
            command.add("--out");
            command.add(args.string("out", ""));
        }
        if (flink) {
            command.add("--flink true");
        }
        if (args.has("benchmarks")) {
            command.add("--benchmarks " + String.join(",", benchmarks));
        }
        ReportWriter.Written written = new ReportWriter(profile, String.join(" ", command), machine, outcomes).write(out);
        System.out.println("report: wrote " + written.files().size() + " files to " + out.toAbsolutePath());
        List<ResultLine> all = new ArrayList<>();
        outcomes.forEach(o -> all.addAll(o.results()));
        List<String> failed = outcomes.stream().filter(o -> o.exitCode() != 0).map(o -> o.step().benchmark()).toList();
        if (!failed.isEmpty()) {
            throw new IllegalStateException("benchmarks failed: " + failed + "; the report in " + out
                    + " shows what ran and each failure");
        }
        return all;
    }

    /** Runs {@code step} as a child JVM on this JVM's classpath, echoing its output, keeping its RESULT lines. */
    static Outcome runChild(Step step, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(step.jvmOptions());
        command.add("-Djava.awt.headless=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchMain.class.getName());
        command.addAll(step.arguments());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        List<ResultLine> results = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[" + step.benchmark() + "] " + line);
                    ResultLine.parse(line).ifPresent(results::add);
                    synchronized (tail) {
                        tail.add(line);
                        if (tail.size() > 20) {
                            tail.remove(0);
                        }
                    }
                }
            } catch (IOException e) {
                // the child's output ended
            }
        }, "report-" + step.benchmark());
        reader.start();
        String error = null;
        int code;
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            code = -1;
            error = "timed out after " + timeout.toMinutes() + " min";
        } else {
            code = p.exitValue();
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0 && error == null) {
            synchronized (tail) {
                error = "exit code " + code + "; last lines: " + tail.stream()
                        .filter(l -> l.startsWith("error") || l.contains("Exception")).findFirst().orElse(
                                tail.isEmpty() ? "" : tail.get(tail.size() - 1));
            }
        }
        synchronized (results) {
            return new Outcome(step, results, code, seconds, error);
        }
    }
}
