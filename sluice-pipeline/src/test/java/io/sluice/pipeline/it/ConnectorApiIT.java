package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring and connector API over HTTP against the real process: {@code /stats},
 * {@code /stats/errors}, {@code /time_series}, {@code /input_endpoints}, {@code /output_endpoints},
 * transactions, {@code /query?format=csv} and egress chunking.
 */
class ConnectorApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROGRAM = """
            CREATE TABLE customers (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR, region VARCHAR)
                WITH ('materialized' = 'true');
            CREATE TABLE orders (order_id BIGINT NOT NULL PRIMARY KEY, customer_id BIGINT NOT NULL,
                amount DECIMAL(12, 2)) WITH ('materialized' = 'true');
            CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR) WITH ('materialized' = 'true');
            CREATE TABLE txn (id BIGINT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW txn_count AS SELECT COUNT(*) AS n FROM txn;
            CREATE VIEW big_orders AS SELECT order_id, amount FROM orders WHERE amount >= 100;
            """;
    @TempDir
    static Path dir;
    private static PipelineProcess p;

    @BeforeAll
    static void start() throws Exception {
        p = PipelineProcess.start(PipelineProcess.options(dir, PROGRAM, true));
        p.awaitStatus("Running", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        p.close();
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    private static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error_code").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.has("details")).isTrue();
        return body;
    }

    private static JsonNode await(String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode last = ok(p.get(path));
        while (!done.test(last)) {
            assertThat(System.nanoTime()).as("waiting on %s; last %s", path, last).isLessThan(deadline);
            Thread.sleep(20);
            last = ok(p.get(path));
        }
        return last;
    }

    private static JsonNode endpoint(JsonNode list, String prefix) {
        for (JsonNode e : list) {
            if (e.get("endpoint_name").asText().startsWith(prefix)) {
                return e;
            }
        }
        return null;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void awaitComplete(String token) throws Exception {
        await("/completion_status?token=" + token, n -> n.get("status").asText().equals("complete"));
    }

    @Test
    void stats_listsTheIngressAndEgressEndpointsWithTheirCounters() throws Exception {
        EgressReader egress = EgressReader.open(p, "big_orders");
        String body = "{\"insert\": {\"order_id\": 1, \"customer_id\": 1, \"amount\": 150}}"
                + " {\"insert\": {\"order_id\": 2, \"customer_id\": 1, \"amount\": 5}}";
        String token = ok(p.post("/ingress/orders?format=json", body)).get("token").asText();
        awaitComplete(token);
        egress.awaitDataLines(1, Duration.ofSeconds(30));
        JsonNode stats = await("/stats", s -> {
            JsonNode out = endpoint(s.get("outputs"), "big_orders.api-");
            return out != null && out.get("metrics").get("transmitted_records").asLong() >= 1;
        });
        JsonNode global = stats.get("global_metrics");
        for (String field : List.of("state", "bootstrap_in_progress", "transaction_status", "transaction_id", "rss_bytes",
                "cpu_msecs", "storage_bytes", "runtime_elapsed_msecs", "uptime_msecs", "start_time", "incarnation_uuid",
                "buffered_input_records", "total_input_records", "total_input_bytes", "total_processed_records",
                "total_completed_records", "total_initiated_steps", "total_completed_steps", "pipeline_complete")) {
            assertThat(global.has(field)).as("global_metrics.%s in %s", field, global).isTrue();
        }
        assertThat(global.get("transaction_status").asText()).isEqualTo("NoTransaction");
        JsonNode in = endpoint(stats.get("inputs"), "orders.api-ingress-");
        assertThat(in).as("orders ingress endpoint in %s", stats.get("inputs")).isNotNull();
        assertThat(in.get("endpoint_name").asText()).matches("orders\\.api-ingress-[0-9a-f]{16}");
        assertThat(in.get("config").get("stream").asText()).isEqualTo("orders");
        assertThat(in.get("metrics").get("total_records").asLong()).isEqualTo(2);
        assertThat(in.get("metrics").get("total_bytes").asLong()).isEqualTo(body.length());
        assertThat(in.get("metrics").get("buffered_records").asLong()).isZero();
        assertThat(in.get("paused").asBoolean()).isFalse();
        assertThat(in.get("fatal_error").isNull()).isTrue();
        assertThat(in.has("parse_errors")).as("errors only with include_connector_errors").isFalse();
        JsonNode out = endpoint(stats.get("outputs"), "big_orders.api-");
        assertThat(out.get("config").get("stream").asText()).isEqualTo("big_orders");
        assertThat(out.get("metrics").get("transmitted_records").asLong()).isEqualTo(1);
        assertThat(out.get("metrics").get("transmitted_bytes").asLong()).isPositive();
        assertThat(out.get("metrics").get("total_processed_input_records").asLong())
                .isGreaterThanOrEqualTo(in.get("metrics").get("total_records").asLong());
        // The same table in another format is another endpoint.
        ok(p.post("/ingress/orders?format=csv", "3,1,7\n"));
        JsonNode after = ok(p.get("/stats"));
        assertThat(after.get("inputs").findValues("endpoint_name").stream().filter(n -> n.asText().startsWith("orders.")))
                .hasSize(2);
        JsonNode outStats = ok(p.get("/output_endpoints/" + encode(out.get("endpoint_name").asText()) + "/stats"));
        assertThat(outStats.get("endpoint_name").asText()).isEqualTo(out.get("endpoint_name").asText());
        assertThat(outStats.has("encode_errors")).isTrue();
    }

    @Test
    void parseErrors_areCountedPerEndpoint_inStatsErrorsAndTheEndpointStats() throws Exception {
        error(p.post("/ingress/events?format=json&update_format=raw", "{\"id\": 1} {\"id\": \"x\"} {\"id\": \"y\"}"), 400,
                "ParseErrors");
        JsonNode errors = ok(p.get("/stats/errors"));
        JsonNode entry = null;
        for (JsonNode e : errors.get("inputs")) {
            if (e.get("metrics").get("endpoint_name").asText().startsWith("events.")) {
                entry = e;
            }
        }
        assertThat(entry).as("events endpoint in %s", errors).isNotNull();
        assertThat(entry.get("metrics").get("num_parse_errors").asLong()).isEqualTo(2);
        assertThat(entry.get("metrics").get("num_transport_errors").asLong()).isZero();
        assertThat(entry.get("parse_errors")).hasSize(2);
        assertThat(entry.get("parse_errors").get(1).get("message").asText()).contains("event 3");
        assertThat(entry.get("parse_errors").get(1).get("tag").asText()).isEqualTo("parse");
        assertThat(errors.get("outputs").isArray()).isTrue();
        String name = entry.get("metrics").get("endpoint_name").asText();
        JsonNode stats = ok(p.get("/input_endpoints/" + encode(name) + "/stats"));
        assertThat(stats.get("metrics").get("num_parse_errors").asLong()).isEqualTo(2);
        assertThat(stats.get("metrics").get("total_records").asLong()).isEqualTo(1);
        assertThat(stats.get("parse_errors")).hasSize(2);
        JsonNode withErrors = ok(p.get("/stats?include_connector_errors=true"));
        assertThat(endpoint(withErrors.get("inputs"), name).get("parse_errors")).hasSize(2);
        error(p.get("/stats?include_connector_errors=maybe"), 400, "InvalidParam");
        JsonNode status = ok(p.get("/status"));
        assertThat(status.get("runtime_status_details").get("connector_stats").get("num_errors").asLong())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPausedInputEndpoint_holdsItsRequestsBack_untilStarted() throws Exception {
        String path = "/ingress/customers?format=json&update_format=raw";
        ok(p.post(path, "{\"id\": 1, \"name\": \"a\"}"));
        String name = endpoint(ok(p.get("/stats")).get("inputs"), "customers.").get("endpoint_name").asText();
        HttpResponse<String> paused = p.get("/input_endpoints/" + encode(name) + "/pause");
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(paused.body()).isEmpty();
        assertThat(ok(p.get("/input_endpoints/" + encode(name) + "/stats")).get("paused").asBoolean()).isTrue();
        CompletableFuture<HttpResponse<String>> held = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(p.uri(path)).POST(HttpRequest.BodyPublishers.ofString("{\"id\": 2, \"name\": \"b\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        // Another endpoint of the same table (CSV) is not paused: its record goes through meanwhile.
        awaitComplete(ok(p.post("/ingress/customers?format=csv", "3,c,EU\n")).get("token").asText());
        assertThat(held).as("a request to the paused endpoint").isNotDone();
        assertThat(p.query("SELECT id FROM customers WHERE id = 2")).isEmpty();
        // force=true passes a paused endpoint, as it passes a paused pipeline.
        ok(p.post(path + "&force=true", "{\"id\": 4, \"name\": \"d\"}"));

        assertThat(p.post("/input_endpoints/" + encode(name) + "/start", "").statusCode()).isEqualTo(200);
        HttpResponse<String> released = held.get(30, TimeUnit.SECONDS);
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        String token = ok(p.get("/input_endpoints/" + encode(name) + "/completion_token")).get("token").asText();
        awaitComplete(token);
        assertThat(p.query("SELECT id FROM customers WHERE id IN (2, 4)")).hasSize(2);
    }

    @Test
    void unknownEndpoints_are404_andWrongMethods405() throws Exception {
        error(p.get("/input_endpoints/nope/pause"), 404, "UnknownInputEndpoint");
        error(p.get("/input_endpoints/nope/start"), 404, "UnknownInputEndpoint");
        error(p.get("/input_endpoints/nope/stats"), 404, "UnknownInputEndpoint");
        error(p.get("/input_endpoints/nope/completion_token"), 404, "UnknownInputEndpoint");
        error(p.get("/output_endpoints/nope/stats"), 404, "UnknownOutputEndpoint");
        error(p.get("/input_endpoints/nope/frobnicate"), 404, "NotFound");
        error(p.get("/output_endpoints/nope/pause"), 404, "NotFound");
        error(p.get("/input_endpoints/"), 404, "NotFound");
        error(p.post("/input_endpoints/nope/stats", ""), 405, "MethodNotAllowed");
        error(p.post("/output_endpoints/nope/stats", ""), 405, "MethodNotAllowed");
        error(p.get("/start_transaction"), 405, "MethodNotAllowed");
        error(p.get("/commit_transaction"), 405, "MethodNotAllowed");
        error(p.post("/stats/errors", ""), 405, "MethodNotAllowed");
        error(p.post("/time_series", ""), 405, "MethodNotAllowed");
    }

    @Test
    void aTransaction_isReleasedToOutputsAsOneChangeOnCommit() throws Exception {
        EgressReader egress = EgressReader.open(p, "txn_count");
        JsonNode started = ok(p.post("/start_transaction", ""));
        long id = started.get("transaction_id").asLong();
        assertThat(id).isPositive();
        error(p.post("/start_transaction", ""), 409, "TransactionInProgress");
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            tokens.add(ok(p.post("/ingress/txn?format=csv", i + "\n")).get("token").asText());
        }
        JsonNode global = ok(p.get("/stats")).get("global_metrics");
        assertThat(global.get("transaction_status").asText()).isEqualTo("TransactionInProgress");
        assertThat(global.get("transaction_id").asLong()).isEqualTo(id);
        assertThat(global.get("transaction_records").asLong()).isEqualTo(3);
        assertThat(global.get("transaction_initiators").get("initiated_by_api").asText()).isEqualTo("Started");
        assertThat(ok(p.get("/completion_status?token=" + tokens.get(0))).get("status").asText()).isEqualTo("inprogress");
        assertThat(p.query("SELECT id FROM txn")).isEmpty();

        HttpResponse<String> commit = p.post("/commit_transaction", "");
        assertThat(commit.statusCode()).as(commit.body()).isEqualTo(200);
        assertThat(commit.body()).isEqualTo("\"Transaction commit initiated\"");
        awaitComplete(tokens.get(2));
        assertThat(p.query("SELECT id FROM txn")).hasSize(3);
        egress.awaitDataLines(1, Duration.ofSeconds(30));
        // One change for the whole transaction: the count goes from 0 straight to 3, never through 1 or 2.
        assertThat(JSON.readTree(egress.dataLines().get(0)).get("json_data"))
                .isEqualTo(JSON.readTree("[{\"delete\":{\"n\":0}},{\"insert\":{\"n\":3}}]"));
        await("/stats", s -> s.get("global_metrics").get("transaction_status").asText().equals("NoTransaction"));
        error(p.post("/commit_transaction", ""), 400, "NoTransactionInProgress");
    }

    @Test
    void timeSeries_hasOneSamplePerSecond_andTheStreamSendsNewOnes() throws Exception {
        JsonNode series = await("/time_series", s -> s.get("samples").size() >= 2);
        assertThat(series.get("now").asLong()).isPositive();
        JsonNode samples = series.get("samples");
        for (JsonNode s : samples) {
            assertThat(s.get("t").asLong()).isPositive();
            assertThat(s.get("r").asLong()).isNotNegative();
            assertThat(s.get("m").asLong()).isPositive();
            assertThat(s.get("s").asLong()).isNotNegative();
        }
        assertThat(samples.get(1).get("t").asLong()).isGreaterThan(samples.get(0).get("t").asLong());
        assertThat(samples.size()).isLessThanOrEqualTo(60);

        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(p.uri("/time_series_stream")).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            int existing = samples.size();
            long lastT = 0;
            // The samples kept so far, then at least one taken after the request.
            for (int i = 0; i < existing + 1; i++) {
                JsonNode line = JSON.readTree(lines.readLine());
                assertThat(line.get("t").asLong()).isGreaterThan(lastT);
                lastT = line.get("t").asLong();
            }
            assertThat(lastT).isGreaterThan(samples.get(samples.size() - 1).get("t").asLong());
        }
    }

    @Test
    void queryAsCsv_hasAHeaderAndQuotesWhatNeedsIt() throws Exception {
        awaitComplete(ok(p.post("/ingress/events?format=json&update_format=raw",
                "{\"id\": 100, \"v\": \"plain\"} {\"id\": 101, \"v\": \"a, \\\"b\\\"\"} {\"id\": 102}")).get("token").asText());
        HttpResponse<String> r = p.get("/query?format=csv&sql=" + encode("SELECT id, v FROM events WHERE id BETWEEN 100 AND 199 ORDER BY id"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(r.body()).isEqualTo("id,v\n100,plain\n101,\"a, \"\"b\"\"\"\n102,\n");
        error(p.get("/query?format=xml&sql=" + encode("SELECT 1")), 400, "InvalidParam");
    }

    @Test
    void aLargeSnapshot_isSplitIntoChunksOfAtMost10000Records() throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 25_000; i++) {
            csv.append(1_000_000 + i).append(",x").append(i).append('\n');
        }
        awaitComplete(ok(p.post("/ingress/events?format=csv", csv.toString())).get("token").asText());
        EgressReader egress = EgressReader.open(p, "events", "&send_snapshot=true");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long rows = 0;
        List<JsonNode> chunks = new ArrayList<>();
        while (rows < 25_000) {
            assertThat(System.nanoTime()).as("snapshot rows so far: %s", rows).isLessThan(deadline);
            List<String> lines = egress.dataLines();
            for (int i = chunks.size(); i < lines.size(); i++) {
                JsonNode chunk = JSON.readTree(lines.get(i));
                chunks.add(chunk);
                assertThat(chunk.get("snapshot").asBoolean()).isTrue();
                assertThat(chunk.get("json_data").size()).isLessThanOrEqualTo(10_000);
                rows += chunk.get("json_data").size();
                for (JsonNode event : chunk.get("json_data")) {
                    if (event.get("insert").get("id").asLong() < 1_000_000) {
                        rows--;
                    }
                }
            }
            Thread.sleep(20);
        }
        assertThat(chunks.size()).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).get("sequence_number").asLong()).isEqualTo(i);
        }
    }
}
