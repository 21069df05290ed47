package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingress formats over real HTTP: NDJSON ({@code lines=single}), CSV quoting and a large body with one bad record. */
class IngressFormatsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROGRAM = """
            CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, a BIGINT, s VARCHAR, d DOUBLE) WITH ('materialized' = 'true');
            """;
    @TempDir
    static Path dir;
    private static PipelineProcess p;

    @BeforeAll
    static void start() throws Exception {
        p = PipelineProcess.start(PipelineProcess.options(dir, PROGRAM, false));
        p.awaitStatus("Running", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        p.close();
    }

    private static List<String> awaitRows(String sql, int count) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> p.query(sql), rows -> rows.size() == count);
    }

    @Test
    void ndjson_aMalformedLineIsOneErrorAndTheOtherLinesAreIngested() throws Exception {
        HttpResponse<String> r = p.post("/ingress/t?format=json&lines=single",
                "{\"insert\": {\"k\": 1, \"s\": \"one\"}}\n{\"insert\": {\"k\": 2,\n\n{\"insert\": {\"k\": 3, \"d\": 0.5}}\n");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error_code").asText()).isEqualTo("ParseErrors");
        assertThat(body.get("details").get("num_errors").asInt()).isEqualTo(1);
        assertThat(body.get("details").get("errors").get(0).get("event_number").asInt()).isEqualTo(2);
        assertThat(awaitRows("SELECT k, s, d FROM t WHERE k <= 3", 2))
                .containsExactly("{\"k\":1,\"s\":\"one\",\"d\":null}", "{\"k\":3,\"s\":null,\"d\":0.5}");

        HttpResponse<String> bad = p.post("/ingress/t?format=json&lines=two", "");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error_code").asText()).isEqualTo("InvalidParam");
    }

    @Test
    void jsonUpdate_changesOnlyTheGivenColumnsOfTheRowWithThatKey() throws Exception {
        HttpResponse<String> r = p.post("/ingress/t?format=json",
                "{\"insert\": {\"k\": 500, \"a\": 1, \"s\": \"x\", \"d\": 2.5}}\n"
                        + "{\"update\": {\"k\": 500, \"s\": \"y\"}}\n"
                        + "{\"update\": {\"k\": 501, \"s\": \"no such row\"}}\n");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(awaitRows("SELECT k, a, s, d FROM t WHERE k BETWEEN 500 AND 501", 1))
                .containsExactly("{\"k\":500,\"a\":1,\"s\":\"y\",\"d\":2.5}");
        // In a later request, another column; NULL is a value an update can set.
        r = p.post("/ingress/t?format=json", "{\"update\": {\"k\": 500, \"a\": null, \"d\": 3}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> p.query("SELECT k, a, s, d FROM t WHERE k = 500")
                .equals(List.of("{\"k\":500,\"a\":null,\"s\":\"y\",\"d\":3.0}")));
    }

    @Test
    void csv_quotedFieldsAndCrLf() throws Exception {
        HttpResponse<String> r = p.post("/ingress/t?format=csv",
                "10,-7,\"a, \"\"quoted\"\" field\",1e3\r\n11,9223372036854775807,\"two\nlines\",-0.25\r\n");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(awaitRows("SELECT k, a, s, d FROM t WHERE k BETWEEN 10 AND 11", 2)).containsExactly(
                "{\"k\":10,\"a\":-7,\"s\":\"a, \\\"quoted\\\" field\",\"d\":1000.0}",
                "{\"k\":11,\"a\":9223372036854775807,\"s\":\"two\\nlines\",\"d\":-0.25}");
    }

    @Test
    void largeCsvBody_oneBadRecordIsReportedAndEveryOtherRowIsIngested() throws Exception {
        StringBuilder csv = new StringBuilder();
        int rows = 50_000;
        for (int k = 1000; k < 1000 + rows; k++) {
            csv.append(k).append(',').append(k * 3L).append(",s").append(k).append(',').append(k / 8.0).append('\n');
            if (k == 30_000) {
                csv.append("not-a-key,1,x,2\n");
            }
        }
        HttpResponse<String> r = p.post("/ingress/t?format=csv", csv.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode errors = JSON.readTree(r.body()).get("details");
        assertThat(errors.get("num_errors").asInt()).isEqualTo(1);
        assertThat(errors.get("errors").get(0).get("event_number").asInt()).isEqualTo(30_000 - 1000 + 2);
        assertThat(errors.get("errors").get(0).get("field").asText()).isEqualTo("k");
        long expectedSum = 0;
        for (long k = 1000; k < 1000 + rows; k++) {
            expectedSum += k * 3;
        }
        // The 400 is sent once the good records are queued; they are in the table once processed.
        String sql = "SELECT COUNT(*) AS n, SUM(a) AS total FROM t WHERE k >= 1000";
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(p.query(sql).get(0)).get("n").asLong() == rows);
        assertThat(JSON.readTree(p.query(sql).get(0)).get("total").asLong()).isEqualTo(expectedSum);
    }
}
