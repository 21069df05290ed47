package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NOW() end to end: the packaged jar with an HTTP-driven clock ({@code dev_tweaks.now_http_driven}),
 * a view with a temporal filter, rows leaving it as {@code POST /clock/advance} moves the clock, and
 * the clock's value surviving a checkpoint and a restart.
 */
class ClockIT {
    private static final String PROGRAM = """
            CREATE TABLE events (id INT NOT NULL PRIMARY KEY, ts TIMESTAMP) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW recent AS SELECT id FROM events WHERE ts > NOW() - INTERVAL '1' HOUR;
            CREATE MATERIALIZED VIEW past AS SELECT COUNT(*) AS n FROM events WHERE ts <= NOW();
            """;
    private static final String CLOCK_CONFIG = """
            clock_resolution_usecs: 1000000
            clock_timezone_offset: "+00:00"
            dev_tweaks:
              now_http_driven: true
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final long MINUTE = 60_000;

    @TempDir
    Path dir;

    @Test
    void rowsLeaveATemporalFilterAsTheClockAdvances_andTheClockSurvivesARestart() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true).withConfig(CLOCK_CONFIG);
        long start;
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            start = advance(p, "{\"delta_ms\": 0}");
            assertThat(start % 1000).as("the clock moves in steps of its resolution").isZero();
            p.ingestJson("events", event(1, start - 30 * MINUTE) + event(2, start - 120 * MINUTE)
                    + event(3, start + 10 * MINUTE));
            awaitQuery(p, "SELECT id FROM recent", List.of("{\"id\":1}", "{\"id\":3}"));
            assertThat(p.query("SELECT n FROM past")).containsExactly("{\"n\":2}");

            assertThat(advance(p, "{\"delta_ms\": " + 45 * MINUTE + "}")).isEqualTo(start + 45 * MINUTE);
            // /clock/advance answers after the step that moved the clock: no waiting needed
            assertThat(p.query("SELECT id FROM recent")).containsExactly("{\"id\":3}");
            assertThat(p.query("SELECT n FROM past")).containsExactly("{\"n\":3}");

            HttpResponse<String> bad = p.post("/clock/advance", "{\"delta_ms\": -5}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("error_code").asText()).isEqualTo("InvalidParam");
            assertThat(p.post("/clock/advance", "[1]").statusCode()).isEqualTo(400);

            p.signal("TERM");
            assertThat(p.awaitExit(Duration.ofSeconds(60))).as("exit code; log:\n%s", p.log()).isZero();
        }
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(advance(p, "{\"delta_ms\": 0}")).as("the checkpoint holds the clock").isEqualTo(start + 45 * MINUTE);
            assertThat(p.query("SELECT id FROM recent")).containsExactly("{\"id\":3}");
            assertThat(advance(p, "{\"delta_ms\": " + 30 * MINUTE + "}")).isEqualTo(start + 75 * MINUTE);
            assertThat(p.query("SELECT id FROM recent")).isEmpty();
            // one clock row after the restart: the restored clock retracted exactly the row the state held
            assertThat(p.query("SELECT n FROM past")).containsExactly("{\"n\":3}");
            JsonNode stats = JSON.readTree(p.get("/stats").body());
            assertThat(stats.toString()).contains("\"endpoint_name\":\"now\"");
        }
    }

    @Test
    void exactlyOnce_aClockMoveAfterTheCheckpointIsReplayedFromTheJournalAfterAKill() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, false).withConfig(CLOCK_CONFIG
                + "fault_tolerance: {model: exactly_once, checkpoint_interval_secs: 3600}\n");
        long start;
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            start = advance(p, "{\"delta_ms\": 0}");
            p.ingestJson("events", event(1, start - 30 * MINUTE) + event(3, start + 10 * MINUTE));
            awaitQuery(p, "SELECT id FROM recent", List.of("{\"id\":1}", "{\"id\":3}"));
            HttpResponse<String> r = p.post("/checkpoint", "");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            awaitCheckpoint(p, JSON.readTree(r.body()).get("checkpoint_sequence_number").asLong());
            assertThat(advance(p, "{\"delta_ms\": " + 45 * MINUTE + "}")).isEqualTo(start + 45 * MINUTE);
            assertThat(p.query("SELECT id FROM recent")).containsExactly("{\"id\":3}");
            p.signal("KILL");
            p.awaitExit(Duration.ofSeconds(30));
        }
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(p.log()).contains("replaying the input journal");
            assertThat(advance(p, "{\"delta_ms\": 0}")).isEqualTo(start + 45 * MINUTE);
            assertThat(p.query("SELECT id FROM recent")).containsExactly("{\"id\":3}");
            assertThat(p.query("SELECT n FROM past")).containsExactly("{\"n\":2}");
        }
    }

    @Test
    void wallClockMode_theClockMovesByItselfWhileRunning_andAdvanceIsRefused() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, """
                CREATE MATERIALIZED VIEW clock AS SELECT NOW() AS n FROM (VALUES (1)) AS t(x);
                """, false).withConfig("clock_resolution_usecs: 50000\n");
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            List<String> first = awaitNonEmpty(p, "SELECT n FROM clock");
            assertThat(first).hasSize(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> later = p.query("SELECT n FROM clock");
            while (later.equals(first) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                later = p.query("SELECT n FROM clock");
            }
            assertThat(later).as("one row, a later time").hasSize(1).isNotEqualTo(first);
            assertThat(later.get(0).compareTo(first.get(0))).isPositive();
            HttpResponse<String> r = p.post("/clock/advance", "{\"delta_ms\": 1000}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("message").asText()).contains("now_http_driven");
        }
    }

    private static List<String> awaitNonEmpty(PipelineProcess p, String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> rows = p.query(sql);
        while (rows.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            rows = p.query(sql);
        }
        return rows;
    }

    @Test
    void clockAdvance_isRefusedForAProgramWithoutNow() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir,
                "CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a FROM t;", false).withConfig(CLOCK_CONFIG);
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            HttpResponse<String> r = p.post("/clock/advance", "{\"delta_ms\": 1000}");
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("error_code").asText()).isEqualTo("InvalidParam");
            assertThat(body.get("message").asText()).contains("does not use NOW()");
        }
    }

    /** Posts to /clock/advance and returns {@code now_ms}, checking {@code now} agrees with it. */
    private static long advance(PipelineProcess p, String body) throws Exception {
        HttpResponse<String> r = p.post("/clock/advance", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode reply = JSON.readTree(r.body());
        long ms = reply.get("now_ms").asLong();
        assertThat(java.time.Instant.parse(reply.get("now").asText()).toEpochMilli()).isEqualTo(ms);
        return ms;
    }

    private static String event(int id, long epochMillis) {
        LocalDateTime ts = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
        return "{\"insert\": {\"id\": " + id + ", \"ts\": \"" + TS.format(ts) + "\"}}\n";
    }

    private static void awaitCheckpoint(PipelineProcess p, long seq) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode status = JSON.readTree(p.get("/checkpoint_status").body());
            if (!status.get("success").isNull() && status.get("success").asLong() >= seq) {
                return;
            }
            assertThat(status.get("failure").isNull()).as("checkpoint failure: %s", status).isTrue();
            Thread.sleep(20);
        }
        throw new AssertionError("checkpoint " + seq + " did not succeed");
    }

    /** Waits until the query answers {@code expected} (ingress acknowledges before the step), then checks it. */
    private static void awaitQuery(PipelineProcess p, String sql, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> rows = p.query(sql);
        while (!rows.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            rows = p.query(sql);
        }
        assertThat(rows).isEqualTo(expected);
    }
}
