package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: a pipeline reads a growing CSV file ({@code file_input}, follow mode) and writes a
 * view's changes to a JSON file ({@code file_output}) while it is killed with SIGKILL at random
 * moments and restarted on the same storage. A writer thread appends rows the whole time.
 *
 * <p>Exactly-once: the output file, folded into rows with weights, must equal the view computed
 * from all the input (what a run without kills folds to), with every row's weight exactly one.
 * At-least-once: every input row reaches the output (weights at least one), nothing else does.
 *
 * <p>{@code -Dsluice.connector.kills=N} sets the kills per test (4 by default);
 * {@code -Dsluice.connector.seed=S} replays a printed seed.
 */
class FileConnectorKillIT {
    private static final int ROWS = 20_000;
    private static final int KEYS = 10;
    private static final Duration FINISH = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void exactlyOnce_outputFoldsToTheNoKillResult() throws Exception {
        Path in = dir.resolve("in.csv");
        Path out = dir.resolve("out.json");
        String sql = """
                CREATE TABLE t (id BIGINT NOT NULL, k INT NOT NULL, v BIGINT NOT NULL) WITH ('connectors' = '[{
                  "name": "file", "transport": {"name": "file_input", "config": {"path": "%s", "follow": true}},
                  "format": {"name": "csv"}}]');
                CREATE VIEW agg WITH ('connectors' = '[{
                  "name": "file", "transport": {"name": "file_output", "config": {"path": "%s"}},
                  "format": {"name": "json"}}]')
                AS SELECT k, COUNT(*) AS n, SUM(v) AS s FROM t GROUP BY k;
                """.formatted(in, out);
        runWithKills(sql, "exactly_once", in);
        Map<String, Long> expected = new TreeMap<>();
        for (int k = 0; k < KEYS; k++) {
            long n = 0;
            long s = 0;
            for (long id = k; id < ROWS; id += KEYS) {
                n++;
                s += value(id);
            }
            expected.put("{\"k\":" + k + ",\"n\":" + n + ",\"s\":" + s + "}", 1L);
        }
        awaitFold(out, expected::equals);
        assertThat(fold(out)).isEqualTo(expected);
    }

    @Test
    void atLeastOnce_loosesNoRow() throws Exception {
        Path in = dir.resolve("in.csv");
        Path out = dir.resolve("out.json");
        String sql = """
                CREATE TABLE t (id BIGINT NOT NULL, k INT NOT NULL, v BIGINT NOT NULL) WITH ('connectors' = '[{
                  "name": "file", "transport": {"name": "file_input", "config": {"path": "%s", "follow": true}},
                  "format": {"name": "csv"}}]');
                CREATE VIEW big WITH ('connectors' = '[{
                  "name": "file", "transport": {"name": "file_output", "config": {"path": "%s"}},
                  "format": {"name": "json"}}]')
                AS SELECT id, v FROM t WHERE k <> 3;
                """.formatted(in, out);
        runWithKills(sql, "at_least_once", in);
        java.util.Set<String> expected = new java.util.TreeSet<>();
        for (long id = 0; id < ROWS; id++) {
            if (id % KEYS != 3) {
                expected.add("{\"id\":" + id + ",\"v\":" + value(id) + "}");
            }
        }
        awaitFold(out, f -> f.keySet().equals(expected));
        Map<String, Long> folded = fold(out);
        assertThat(folded.keySet()).isEqualTo(expected);
        assertThat(folded.values()).allMatch(w -> w >= 1);
    }

    private static long value(long id) {
        return id * 7 % 1000;
    }

    /** Starts, kills and restarts the pipeline while a thread appends all {@link #ROWS} rows; leaves the last run going. */
    private void runWithKills(String sql, String model, Path in) throws Exception {
        int kills = Integer.getInteger("sluice.connector.kills", 4);
        long seed = Long.getLong("sluice.connector.seed", System.nanoTime());
        System.out.printf("FileConnectorKillIT(%s): seed=%d kills=%d%n", model, seed, kills);
        Random random = new Random(seed);
        Files.writeString(in, "");
        PipelineProcess.Options options = PipelineProcess.options(dir.resolve("work"), sql, false)
                .withConfig("fault_tolerance: {model: " + model + ", checkpoint_interval_secs: 1}\n");
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                while (written.get() < ROWS) {
                    StringBuilder s = new StringBuilder();
                    long from = written.get();
                    long to = Math.min(ROWS, from + 150);
                    for (long id = from; id < to; id++) {
                        s.append(id).append(',').append(id % KEYS).append(',').append(value(id)).append('\n');
                    }
                    Files.write(in, s.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
                    written.set(to);
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, "writer");
        writer.start();
        for (int kill = 0; kill < kills; kill++) {
            try (PipelineProcess p = PipelineProcess.start(options)) {
                p.awaitStatus("Running", Duration.ofSeconds(60));
                Thread.sleep(300 + random.nextInt(2000));
                p.signal("KILL");
                p.awaitExit(Duration.ofSeconds(10));
            }
        }
        writer.join();
        last = PipelineProcess.start(options);
        last.awaitStatus("Running", Duration.ofSeconds(60));
    }

    private PipelineProcess last;

    private void awaitFold(Path out, java.util.function.Predicate<Map<String, Long>> done) throws Exception {
        try (PipelineProcess p = last) {
            long deadline = System.nanoTime() + FINISH.toNanos();
            while (System.nanoTime() < deadline && !done.test(fold(out))) {
                Thread.sleep(200);
            }
            assertThat(p.get("/stats").body()).contains("\"num_parse_errors\":0");
        }
    }

    private static Map<String, Long> fold(Path out) throws IOException {
        ConnectorOutputFold fold = new ConnectorOutputFold();
        if (Files.exists(out)) {
            for (String line : Files.readAllLines(out)) {
                if (!line.isBlank()) {
                    fold.add(line);
                }
            }
        }
        return fold.weights();
    }
}
