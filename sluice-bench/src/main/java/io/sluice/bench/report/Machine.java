package io.sluice.bench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the report says about the machine and the build it ran on; every value is a plain string. */
final class Machine {
    private Machine() {
    }

    /** nproc, memory, CPU, JDK, OS, commit, time and load average, in print order. */
    static Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            out.put("memory", String.format(Locale.ROOT, "%.1f GiB", os.getTotalMemorySize() / (double) (1L << 30)));
        }
        cpuModel().ifPresent(m -> out.put("cpu", m));
        out.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        out.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        out.put("commit", commit());
        out.put("load_average_start", loadAverage());
        return out;
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, else the JVM's 1-minute figure. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", one);
        }
    }

    private static java.util.Optional<String> cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return java.util.Optional.of(line.substring(line.indexOf(':') + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no CPU model
        }
        return java.util.Optional.empty();
    }

    /** {@code git rev-parse} of the working directory, marked when tracked files have uncommitted changes. */
    static String commit() {
        String head = git(List.of("git", "rev-parse", "--short=12", "HEAD"));
        if (head == null || head.isEmpty()) {
            return "unknown (not a git checkout)";
        }
        String status = git(List.of("git", "status", "--porcelain", "--untracked-files=no"));
        return status == null || status.isEmpty() ? head : head + " with uncommitted changes";
    }

    private static String git(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
