package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error the HTTP API answers carries its status and the uniform {@code {message, error_code, details}} body. */
class HttpErrorsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static PipelineProcess p;

    @BeforeAll
    static void start() throws Exception {
        java.nio.file.Path metadata = dir.resolve("metadata.json");
        java.nio.file.Files.writeString(metadata, "{\"program\": \"orders\", \"version\": 3}");
        p = PipelineProcess.start(PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true)
                .withArgs("--metadata-file", metadata.toString()));
        p.awaitStatus("Running", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        p.close();
    }

    private static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error_code").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.has("details")).isTrue();
        return body;
    }

    @Test
    void unknownTableAndView_are404() throws Exception {
        error(p.post("/ingress/nope?format=json", "{}"), 404, "ConfigError.UnknownInputStream");
        error(p.post("/egress/nope", ""), 404, "ConfigError.UnknownOutputStream");
        error(p.get("/no/such/path"), 404, "NotFound");
    }

    @Test
    void wrongMethod_is405() throws Exception {
        error(p.get("/ingress/orders"), 405, "MethodNotAllowed");
        error(p.get("/suspend"), 405, "MethodNotAllowed");
        error(p.post("/status", ""), 405, "MethodNotAllowed");
    }

    @Test
    void badParameters_are400() throws Exception {
        error(p.post("/ingress/orders?format=avro", ""), 400, "InvalidParam");
        error(p.post("/ingress/orders?format=json&force=maybe", ""), 400, "InvalidParam");
        error(p.post("/activate?initial=suspended", ""), 400, "InvalidParam");
        JsonNode mismatch = error(p.get("/checkpoint_status?incarnation_uuid=00000000-0000-0000-0000-000000000000"), 400,
                "IncarnationUuidMismatch");
        assertThat(mismatch.get("details").get("requested").asText()).isEqualTo("00000000-0000-0000-0000-000000000000");
    }

    @Test
    void parseErrors_are400AfterTheGoodRecordsAreKept() throws Exception {
        JsonNode body = error(p.post("/ingress/customers?format=json",
                "{\"insert\": {\"id\": 900, \"region\": \"X\"}} {\"insert\": {\"id\": \"bad\"}} {\"oops\": 1}"), 400, "ParseErrors");
        assertThat(body.get("details").get("num_errors").asInt()).isEqualTo(2);
        assertThat(body.get("details").get("errors").get(0).get("event_number").asInt()).isEqualTo(2);
        assertThat(p.query("SELECT id FROM customers WHERE id = 900")).hasSize(1);
    }

    @Test
    void badQueries_areAdHocQueryErrors() throws Exception {
        error(p.get("/query?sql=" + URLEncoder.encode("SELECT nope FROM orders", StandardCharsets.UTF_8)), 400, "AdHocQueryError");
        error(p.get("/query?sql=" + URLEncoder.encode("SELECT * FROM big_orders", StandardCharsets.UTF_8)), 400, "AdHocQueryError");
    }

    @Test
    void completionTokens_completeOnceProcessed_andAreRefusedAcrossIncarnations() throws Exception {
        EgressReader egress = EgressReader.open(p, "big_orders");
        HttpResponse<String> r = p.post("/ingress/orders?format=json",
                "{\"insert\": {\"order_id\": 700, \"customer_id\": 1, \"amount\": 700}}");
        assertThat(r.statusCode()).isEqualTo(200);
        String token = JSON.readTree(r.body()).get("token").asText();
        String status = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!status.equals("complete") && System.nanoTime() < deadline) {
            status = JSON.readTree(p.get("/completion_status?token=" + token).body()).get("status").asText();
            assertThat(status).isIn("complete", "inprogress");
        }
        assertThat(status).isEqualTo("complete");
        // complete means the outputs were handed over: the egress stream has (or is writing) the change
        egress.awaitDataLines(1, Duration.ofSeconds(10));
        assertThat(String.join("", egress.dataLines())).contains("\"order_id\":700");

        error(p.get("/completion_status?token=not-a-token"), 400, "InvalidParam");
        String foreign = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"u\":\"" + java.util.UUID.randomUUID() + "\",\"c\":1}").getBytes(StandardCharsets.UTF_8));
        error(p.get("/completion_status?token=" + foreign), 410, "PipelineRestarted");
    }

    @Test
    void egressWithSnapshot_startsWithTheWholeViewThenTheChanges() throws Exception {
        p.ingestJson("customers", "{\"insert\": {\"id\": 31, \"region\": \"APAC\"}}");
        p.ingestJson("orders", "{\"insert\": {\"order_id\": 3100, \"customer_id\": 31, \"amount\": 10}}");
        List<String> rows = awaitRows("SELECT * FROM revenue", r -> r.stream().anyMatch(l -> l.contains("APAC")));
        EgressReader egress = EgressReader.open(p, "revenue", "&send_snapshot=true");
        egress.awaitDataLines(1, Duration.ofSeconds(30));
        ObjectMapper exact = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
        JsonNode first = exact.readTree(egress.dataLines().get(0));
        assertThat(first.get("snapshot").asBoolean()).isTrue();
        List<String> snapshot = new ArrayList<>();
        for (JsonNode event : first.get("json_data")) {
            snapshot.add(exact.writeValueAsString(event.get("insert")));
        }
        assertThat(snapshot.stream().sorted().toList()).isEqualTo(rows);
        p.ingestJson("orders", "{\"insert\": {\"order_id\": 3101, \"customer_id\": 31, \"amount\": 5}}");
        egress.awaitDataLines(2, Duration.ofSeconds(30));
        JsonNode second = JSON.readTree(egress.dataLines().get(1));
        assertThat(second.get("snapshot").asBoolean()).isFalse();
        assertThat(second.get("json_data").toString()).contains("\"delete\"").contains("\"insert\"").contains("APAC");
        error(p.post("/egress/big_orders?send_snapshot=true", ""), 400, "InvalidParam");
    }

    private static List<String> awaitRows(String sql, java.util.function.Predicate<List<String>> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> rows = p.query(sql);
        while (!done.test(rows) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            rows = p.query(sql);
        }
        return rows;
    }

    @Test
    void suspendableMetadataAndJsonMetrics() throws Exception {
        assertThat(JSON.readTree(p.get("/suspendable").body()))
                .isEqualTo(JSON.readTree("{\"suspendable\": true, \"reasons\": []}"));
        HttpResponse<String> metadata = p.get("/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).isEqualTo("{\"program\": \"orders\", \"version\": 3}");
        JsonNode metrics = JSON.readTree(p.get("/metrics?format=json").body());
        JsonNode input = null;
        for (JsonNode m : metrics) {
            if (m.get("key").asText().equals("records_input_total")) {
                input = m;
            }
        }
        assertThat(input).as("records_input_total in %s", metrics).isNotNull();
        assertThat(input.get("type").asText()).isEqualTo("counter");
        assertThat(input.get("values").get(0).get("labels").get("pipeline").asText()).isEqualTo("it");
        assertThat(input.get("values").get(0).get("value").isNumber()).isTrue();
        error(p.get("/metrics?format=xml"), 400, "InvalidParam");
    }

    @Test
    void activatingARunningPipeline_behavesLikeStart_andStandbyIsOutOfReach() throws Exception {
        assertThat(p.post("/start", "").statusCode()).isEqualTo(202);
        assertThat(p.get("/pause").body()).isEqualTo("\"Pipeline transitioning from Running to Paused\"");
        assertThat(p.post("/activate?initial=running", "").statusCode()).isEqualTo(202);
        p.awaitStatus("Running", Duration.ofSeconds(10));
    }
}
