package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clean shutdown on SIGTERM, end to end: the packaged jar as a child process, real signals sent
 * with {@code kill}, state read back only through HTTP after a restart on the same storage.
 */
class CleanShutdownIT {
    static final String PROGRAM = """
            CREATE TABLE customers (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR, region VARCHAR)
                WITH ('materialized' = 'true');
            CREATE TABLE orders (order_id BIGINT NOT NULL PRIMARY KEY, customer_id BIGINT NOT NULL,
                amount DECIMAL(12, 2)) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW revenue AS
                SELECT c.region, COUNT(*) AS orders, SUM(o.amount) AS total
                FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.region;
            CREATE VIEW big_orders AS SELECT order_id, amount FROM orders WHERE amount >= 100;
            """;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sigtermWithCleanShutdownOn_checkpointsAndTheRestartRestoresEveryAcknowledgedRecord() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true);
        Map<String, List<String>> before;
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            EgressReader egress = EgressReader.open(p, "big_orders");
            seed(p);
            p.ingestJson("orders", "{\"delete\": {\"order_id\": 3}} {\"insert\": {\"order_id\": 5, \"customer_id\": 2, \"amount\": 300}}");
            egress.awaitDataLines(2, Duration.ofSeconds(30));
            before = snapshot(p);
            assertThat(before.get("revenue")).hasSize(2);
            assertThat(p.get("/metrics").body()).contains("records_input_total{pipeline=\"it\"} 8.0")
                    .contains("records_processed_total{pipeline=\"it\"} 8.0");
            assertThat(committedCheckpoint(options)).isEmpty();

            p.signal("TERM");
            assertThat(p.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", p.log()).isZero();
            assertThat(p.log()).contains("received SIGTERM; suspending before shutdown");
            egress.ended().get(10, TimeUnit.SECONDS);
            assertThat(String.join("\n", egress.dataLines())).contains("\"order_id\":5");
        }
        assertThat(committedCheckpoint(options)).as("a checkpoint committed on SIGTERM").isPresent();
        JsonNode config = JSON.readTree(options.storage().resolve("state.json").toFile()).get("config");
        assertThat(config.get("name").asText()).isEqualTo("it");
        assertThat(config.get("workers").asInt()).isEqualTo(1);
        assertThat(config.get("program_code").asText()).isEqualTo(PROGRAM);
        // The replacement pod keeps the deployment id: SIGTERM must not have stored "Suspended".
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(snapshot(p)).isEqualTo(before);
            JsonNode stats = JSON.readTree(p.get("/stats").body()).get("global_metrics");
            assertThat(stats.get("total_input_records").asLong()).isEqualTo(8);
        }
    }

    @Test
    void sigtermWithCleanShutdownOff_exitsWithoutCheckpointAndTheRestartResumesFromTheLastExplicitOne() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, false);
        Map<String, List<String>> atCheckpoint;
        String checkpoint;
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            seed(p);
            atCheckpoint = snapshot(p);
            HttpResponse<String> r = p.post("/checkpoint", "");
            assertThat(r.statusCode()).isEqualTo(200);
            long seq = JSON.readTree(r.body()).get("checkpoint_sequence_number").asLong();
            awaitCheckpointSuccess(p, seq);
            checkpoint = committedCheckpoint(options).orElseThrow();
            p.ingestJson("orders", "{\"insert\": {\"order_id\": 9, \"customer_id\": 1, \"amount\": 1000}}");
            assertThat(snapshot(p)).isNotEqualTo(atCheckpoint);

            p.signal("TERM");
            assertThat(p.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", p.log()).isZero();
            assertThat(p.log()).contains("shutting down without checkpoint");
        }
        assertThat(committedCheckpoint(options)).contains(checkpoint);
        try (PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString()))) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(snapshot(p)).isEqualTo(atCheckpoint);
        }
    }

    @Test
    void sigtermOnAFailedPipeline_exitsOneAtOnceWithoutCheckpoint() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM
                + "CREATE VIEW ratio AS SELECT order_id, 100 / (customer_id - 7) AS r FROM orders;\n", true);
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            p.ingestJson("orders", "{\"insert\": {\"order_id\": 1, \"customer_id\": 7}}");
            HttpResponse<String> failed = awaitStatusCode(p, 500);
            assertThat(failed.body()).contains("DbspError").contains("division by zero");
            assertThat(p.post("/start", "").statusCode()).as("a failed pipeline takes no new status").isEqualTo(500);
            p.signal("TERM");
            assertThat(p.awaitExit(Duration.ofSeconds(30))).as("exit code; log:\n%s", p.log()).isEqualTo(1);
            assertThat(p.log()).contains("cannot suspend on signal");
        }
        assertThat(committedCheckpoint(options)).isEmpty();
    }

    @Test
    void jsonLogs_oneObjectPerLine_includingTheShutdownLines() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true).withEnv(Map.of("FELDERA_LOG_JSON", "1"));
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            p.signal("TERM");
            assertThat(p.awaitExit(EXIT_TIMEOUT)).isZero();
            List<String> lines = p.log().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
            }
            assertThat(lines).anySatisfy(l -> assertThat(JSON.readTree(l).get("message").asText())
                    .isEqualTo("received SIGTERM; suspending before shutdown"));
        }
    }

    @Test
    void sigintWithCleanShutdownOn_exitsWithoutCheckpoint() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true);
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            seed(p);
            p.signal("INT");
            assertThat(p.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", p.log()).isZero();
            assertThat(p.log()).contains("received SIGINT; shutting down without checkpoint");
        }
        assertThat(committedCheckpoint(options)).isEmpty();
        try (PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString()))) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(p.query("SELECT * FROM revenue")).isEmpty();
        }
    }

    @Test
    void startedWithSigintIgnored_logsTheErrorAndSigtermStillCheckpoints() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true).withSigintIgnored();
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(p.log()).contains("cannot handle SIGINT").contains("stays ignored");
            seed(p);
            p.signal("INT");
            Thread.sleep(500);
            assertThat(p.isAlive()).as("SIGINT stays ignored").isTrue();
            p.signal("TERM");
            assertThat(p.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", p.log()).isZero();
        }
        assertThat(committedCheckpoint(options)).isPresent();
    }

    @Test
    void suspendClosesIngressAndALaterSigtermHasNothingToWaitFor() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true);
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            seed(p);
            HttpResponse<String> suspend = p.post("/suspend", "");
            assertThat(suspend.statusCode()).isEqualTo(202);
            assertThat(suspend.body()).isEqualTo("\"Pipeline is suspending\"");
            HttpResponse<String> late = p.post("/ingress/orders?format=json", "{\"insert\": {\"order_id\": 77, \"customer_id\": 1}}");
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(late.body()).get("error_code").asText()).isIn("Suspending", "Suspended");
            p.awaitStatus("Suspended", Duration.ofSeconds(30));
            assertThat(p.post("/suspend", "").statusCode()).isEqualTo(202);
            String checkpoint = committedCheckpoint(options).orElseThrow();

            p.signal("TERM");
            assertThat(p.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", p.log()).isZero();
            assertThat(committedCheckpoint(options)).contains(checkpoint);
        }
        // An explicit suspend is the user's intent: the same deployment does not start again...
        try (PipelineProcess p = PipelineProcess.start(options)) {
            HttpResponse<String> status = awaitStatusCode(p, 500);
            assertThat(status.body()).contains("this deployment was suspended");
        }
        // ...a new deployment resumes it.
        try (PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString()))) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(p.query("SELECT * FROM orders")).hasSize(4);
        }
    }

    private static HttpResponse<String> awaitStatusCode(PipelineProcess p, int code) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> r = p.get("/status");
        while (r.statusCode() != code && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = p.get("/status");
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        return r;
    }

    /** Two customers and four orders: eight records. */
    private static void seed(PipelineProcess p) throws Exception {
        p.ingestJson("customers", "{\"insert\": {\"id\": 1, \"name\": \"Ada\", \"region\": \"EU\"}}\n"
                + "{\"insert\": {\"id\": 2, \"name\": \"Bob\", \"region\": \"US\"}}");
        HttpResponse<String> csv = p.post("/ingress/orders?format=csv", "1,1,150.00\n2,1,20.50\n3,2,99.99\n4,2,400\n");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    }

    /** Contents of every materialized table and view, as sorted JSON lines. */
    private static Map<String, List<String>> snapshot(PipelineProcess p) throws Exception {
        Map<String, List<String>> all = new TreeMap<>();
        for (String relation : List.of("customers", "orders", "revenue")) {
            all.put(relation, p.query("SELECT * FROM " + relation));
        }
        return all;
    }

    private static void awaitCheckpointSuccess(PipelineProcess p, long seq) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode status = JSON.readTree(p.get("/checkpoint_status").body());
            if (!status.get("success").isNull() && status.get("success").asLong() >= seq) {
                return;
            }
            assertThat(status.get("failure").isNull()).as("checkpoint failure: %s", status).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("checkpoint " + seq + " did not succeed");
    }

    /** The uuid in the root state.json: the checkpoint a restart resumes from. */
    static Optional<String> committedCheckpoint(PipelineProcess.Options options) throws Exception {
        Path root = options.storage().resolve("state.json");
        if (!Files.exists(root)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readTree(root.toFile()).get("uuid").asText());
    }
}
