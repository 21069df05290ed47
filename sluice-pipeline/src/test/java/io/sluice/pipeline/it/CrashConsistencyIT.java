package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, durable checkpoints: SIGKILL at random moments while one client ingests and checkpoints
 * are written back to back (periodic every second plus a {@code POST /checkpoint} loop), then a
 * restart on the same storage with a new deployment id. Every restart must restore exactly the
 * state of one committed checkpoint.
 *
 * <p>The model: operation {@code k} inserts row {@code k} and deletes row {@code k - WINDOW}. One
 * client sends the operations in order, each request a contiguous range, one request at a time, so
 * a committed checkpoint holds the effect of a prefix {@code 0..n-1} of them: the table is exactly
 * the ids {@code max(0, n - WINDOW)..n-1} and the view equals its aggregates recomputed from those
 * rows. Across kills, {@code n} never decreases, never exceeds what the client sent, and is at least
 * what the client had acknowledged when it asked for a checkpoint that {@code /checkpoint_status}
 * then reported as done. After a restart the client carries on from {@code n}: operations
 * acknowledged after the last commit were lost and are sent again.
 *
 * <p>{@code -Dsluice.crash.kills=N} sets the number of kills (30 by default, 1,000 for a long run)
 * and {@code -Dsluice.crash.seed=S} replays the kill delays and request sizes of a printed seed.
 */
class CrashConsistencyIT {
    private static final String PROGRAM = """
            CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY, b INT NOT NULL, v BIGINT NOT NULL)
                WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW per_bucket AS SELECT b, COUNT(*) AS n, SUM(v) AS s FROM events GROUP BY b;
            """;
    private static final long WINDOW = 5_000;
    private static final int MAX_REQUEST = 200;
    private static final int MAX_KILL_DELAY_MS = 2_500;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the startup cleanup logs when a kill interrupted a checkpoint write (see StorageDirectory). */
    private static final Pattern INTERRUPTED_CHECKPOINT =
            Pattern.compile("which no committed checkpoint references|leftover temporary file|never committed");

    @TempDir
    Path dir;

    @Test
    void afterEverySigkill_theRestartRestoresExactlyOneCommittedCheckpoint() throws Exception {
        int kills = Integer.getInteger("sluice.crash.kills", 30);
        long seed = Long.getLong("sluice.crash.seed", System.nanoTime());
        System.out.printf("CrashConsistencyIT: seed=%d kills=%d (replay with -Dsluice.crash.seed=%d)%n", seed, kills, seed);
        Random random = new Random(seed);
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, false).withCheckpointIntervalSecs(1);
        Bounds bounds = new Bounds(0, 0, 0);
        long advanced = 0;
        long cleanedUp = 0;
        long lostOps = 0;
        long checkpointRequests = 0;
        long started = System.nanoTime();
        for (int kill = 1; kill <= kills; kill++) {
            long cycleStart = System.nanoTime();
            PipelineProcess p = PipelineProcess.start(options.withDeploymentId(new UUID(random.nextLong(), random.nextLong()).toString()));
            Cycle cycle;
            try {
                p.awaitStatus("Running", START_TIMEOUT);
                long n = verifyRestored(p, bounds, "before kill " + kill + " (seed " + seed + ")");
                if (n > bounds.restored()) {
                    advanced++;
                }
                if (INTERRUPTED_CHECKPOINT.matcher(p.log()).find()) {
                    cleanedUp++;
                }
                lostOps += bounds.sent() - n;
                long readyMs = Duration.ofNanos(System.nanoTime() - cycleStart).toMillis();
                cycle = new Cycle(p, n, random.nextLong());
                int delay = random.nextInt(MAX_KILL_DELAY_MS);
                Thread.sleep(delay);
                cycle.killed.set(true);
                p.signal("KILL");
                assertThat(p.awaitExit(Duration.ofSeconds(30))).as("exit code after SIGKILL").isEqualTo(137);
                cycle.join();
                assertThat(cycle.unexpected).as("client errors before kill %d (seed %d); log:\n%s", kill, seed, p.log())
                        .isEmpty();
                assertThat(p.log()).as("log of the process of kill %d (seed %d)", kill, seed).doesNotContain("checkpoint failed");
                checkpointRequests += cycle.checkpointRequests.get();
                bounds = new Bounds(n, cycle.confirmed.get(), cycle.sent.get());
                System.out.printf("kill %d: restored %d, ready and verified in %d ms, killed after %d ms with %s%n", kill, n,
                        readyMs, delay, bounds);
            } finally {
                p.close();
            }
            Files.deleteIfExists(p.logFile());
        }
        try (PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString()))) {
            p.awaitStatus("Running", START_TIMEOUT);
            long n = verifyRestored(p, bounds, "after the last kill (seed " + seed + ")");
            System.out.printf("CrashConsistencyIT: seed=%d kills=%d in %d s: final prefix %d operations; %d restarts found a"
                    + " newer checkpoint, %d cleaned up an interrupted checkpoint; %d operations re-sent after kills;"
                    + " %d checkpoint requests%n", seed, kills, Duration.ofNanos(System.nanoTime() - started).toSeconds(), n,
                    advanced, cleanedUp, lostOps + bounds.sent() - n, checkpointRequests);
        }
    }

    /**
     * What the previous cycle allows a restore to hold: at least {@code restored} (monotone) and
     * {@code confirmed} (acknowledged before a checkpoint reported done), at most {@code sent}.
     */
    private record Bounds(long restored, long confirmed, long sent) {}

    /** Checks the restored table and view against the model and returns the restored prefix length. */
    private static long verifyRestored(PipelineProcess p, Bounds bounds, String when) throws Exception {
        TreeMap<Long, JsonNode> rows = new TreeMap<>();
        for (String line : p.query("SELECT id, b, v FROM events")) {
            JsonNode row = JSON.readTree(line);
            assertThat(rows.put(row.get("id").asLong(), row)).as("duplicate id %s %s", line, when).isNull();
        }
        long n = rows.isEmpty() ? 0 : rows.lastKey() + 1;
        long from = Math.max(0, n - WINDOW);
        String context = String.format("%s: restored ids %s..%s (%d rows), bounds %s; log:%n%s", when,
                rows.isEmpty() ? "-" : rows.firstKey(), rows.isEmpty() ? "-" : rows.lastKey(), rows.size(), bounds, p.log());
        assertThat(rows.isEmpty() ? from : rows.firstKey()).as("first id; %s", context).isEqualTo(from);
        assertThat((long) rows.size()).as("row count (ids must be contiguous); %s", context).isEqualTo(n - from);
        Map<Long, long[]> expectedView = new TreeMap<>();
        for (JsonNode row : rows.values()) {
            long id = row.get("id").asLong();
            assertThat(row.get("b").asLong()).as("b of %d; %s", id, context).isEqualTo(bucket(id));
            assertThat(row.get("v").asLong()).as("v of %d; %s", id, context).isEqualTo(value(id));
            long[] agg = expectedView.computeIfAbsent(bucket(id), b -> new long[2]);
            agg[0]++;
            agg[1] += value(id);
        }
        assertThat(n).as("restored prefix never shrinks; %s", context).isGreaterThanOrEqualTo(bounds.restored());
        assertThat(n).as("restored prefix holds every operation acknowledged before a confirmed checkpoint; %s", context)
                .isGreaterThanOrEqualTo(bounds.confirmed());
        assertThat(n).as("restored prefix holds only operations that were sent; %s", context)
                .isLessThanOrEqualTo(bounds.sent());
        Map<Long, List<Long>> view = new TreeMap<>();
        for (String line : p.query("SELECT b, n, s FROM per_bucket")) {
            JsonNode row = JSON.readTree(line);
            view.put(row.get("b").asLong(), List.of(row.get("n").asLong(), row.get("s").asLong()));
        }
        Map<Long, List<Long>> expected = new TreeMap<>();
        expectedView.forEach((b, agg) -> expected.put(b, List.of(agg[0], agg[1])));
        assertThat(view).as("view per_bucket equals the aggregates of the restored rows; %s", context).isEqualTo(expected);
        JsonNode stats = JSON.readTree(p.get("/stats").body());
        assertThat(stats.path("last_checkpoint_failure").isNull()).as("no checkpoint failure in /stats; %s", context).isTrue();
        return n;
    }

    private static long bucket(long id) {
        return id % 10;
    }

    private static long value(long id) {
        return id * 7919 % 1000;
    }

    private static String row(long id) {
        return "{\"id\": " + id + ", \"b\": " + bucket(id) + ", \"v\": " + value(id) + "}";
    }

    /** One life of the process: an ingest client and a checkpoint client until the kill. */
    private static final class Cycle {
        final AtomicBoolean killed = new AtomicBoolean();
        final AtomicLong sent;
        final AtomicLong acknowledged;
        final AtomicLong confirmed;
        final AtomicLong checkpointRequests = new AtomicLong();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        private final Map<Long, Long> acknowledgedAtRequest = new ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();

        Cycle(PipelineProcess p, long next, long seed) {
            sent = new AtomicLong(next);
            acknowledged = new AtomicLong(next);
            confirmed = new AtomicLong(next);
            Random random = new Random(seed);
            threads.add(new Thread(() -> ingest(p, next, random), "ingest"));
            threads.add(new Thread(() -> checkpoint(p), "checkpoints"));
            threads.forEach(Thread::start);
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(60_000);
                assertThat(t.isAlive()).as("%s still running 60 s after the kill", t.getName()).isFalse();
            }
        }

        private void ingest(PipelineProcess p, long first, Random random) {
            long next = first;
            while (true) {
                int size = 1 + random.nextInt(MAX_REQUEST);
                StringBuilder body = new StringBuilder();
                for (long k = next; k < next + size; k++) {
                    body.append("{\"insert\": ").append(row(k)).append("}\n");
                    if (k >= WINDOW) {
                        body.append("{\"delete\": ").append(row(k - WINDOW)).append("}\n");
                    }
                }
                sent.set(next + size);
                HttpResponse<String> r;
                try {
                    r = p.post("/ingress/events?format=json", body.toString());
                } catch (IOException | InterruptedException e) {
                    if (!killed.get()) {
                        unexpected.add("ingress failed before the kill: " + e);
                    }
                    return;
                }
                if (r.statusCode() != 200) {
                    unexpected.add("ingress answered " + r.statusCode() + ": " + r.body());
                    return;
                }
                next += size;
                acknowledged.set(next);
            }
        }

        private void checkpoint(PipelineProcess p) {
            try {
                while (true) {
                    long acked = acknowledged.get();
                    HttpResponse<String> r = p.post("/checkpoint", "");
                    if (r.statusCode() != 200) {
                        unexpected.add("/checkpoint answered " + r.statusCode() + ": " + r.body());
                        return;
                    }
                    checkpointRequests.incrementAndGet();
                    acknowledgedAtRequest.put(JSON.readTree(r.body()).get("checkpoint_sequence_number").asLong(), acked);
                    Thread.sleep(ThreadLocalRandom.current().nextLong(30)); // short pauses: most kills find a write in progress
                    JsonNode status = JSON.readTree(p.get("/checkpoint_status").body());
                    if (!status.path("failure").isNull()) {
                        unexpected.add("checkpoint failed: " + status);
                        return;
                    }
                    if (!status.path("success").isNull()) {
                        Long atRequest = acknowledgedAtRequest.get(status.get("success").asLong());
                        confirmed.accumulateAndGet(atRequest, Math::max);
                    }
                }
            } catch (IOException | InterruptedException e) {
                if (!killed.get()) {
                    unexpected.add("checkpoint client failed before the kill: " + e);
                }
            }
        }
    }
}
