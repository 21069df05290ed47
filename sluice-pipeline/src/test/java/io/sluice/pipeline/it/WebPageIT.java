package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page at {@code GET /}, loaded from the real jar into headless Chromium: its buttons drive the
 * pipeline, and what it shows agrees with the JSON endpoints. Needs Debian's {@code chromium} and
 * {@code chromium-driver} (installed by {@code .ci/run}). Leaves a screenshot in
 * {@code target/webpage-it/webpage.png} for a person to look at.
 */
class WebPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The page refreshes every second; this leaves room for a slow CI machine. */
    private static final Duration UI_TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void page_isSelfContainedHtml() throws Exception {
        try (PipelineProcess p = PipelineProcess.start(PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true))) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(r.body()).startsWith("<!DOCTYPE html>").contains("<title>Sluice pipeline</title>")
                    .doesNotContain("http://", "https://", "src=");
        }
    }

    @Test
    void buttons_pauseStartCheckpointAndSuspendThePipeline() throws Exception {
        try (PipelineProcess p = PipelineProcess.start(PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true));
                HeadlessChromium browser = HeadlessChromium.start(dir)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            p.ingestJson("customers", "{\"insert\": {\"id\": 1, \"name\": \"Ada\", \"region\": \"EU\"}}");
            p.ingestJson("orders", "{\"insert\": {\"order_id\": 1, \"customer_id\": 1, \"amount\": 120}}"
                    + " {\"insert\": {\"order_id\": 2, \"customer_id\": 1, \"amount\": 30}}");
            browser.open(p.uri("/"));
            browser.awaitText("#runtime-status", "Running"::equals, UI_TIMEOUT);
            browser.awaitText("#total-processed", "3"::equals, UI_TIMEOUT);

            browser.click("#btn-pause");
            browser.awaitText("#runtime-status", "Paused"::equals, UI_TIMEOUT);
            assertThat(browser.text("#desired-status")).isEqualTo("Paused");
            assertThat(browser.text("#action-result")).isEqualTo("Pause: HTTP 202 Pipeline transitioning from Running to Paused");
            assertThat(status(p).get("runtime_status").asText()).isEqualTo("Paused");

            browser.click("#btn-start");
            browser.awaitText("#runtime-status", "Running"::equals, UI_TIMEOUT);
            assertThat(browser.text("#action-result")).isEqualTo("Start: HTTP 202 Pipeline transitioning from Paused to Running");
            assertThat(status(p).get("runtime_status").asText()).isEqualTo("Running");

            browser.click("#btn-checkpoint");
            browser.awaitText("#action-result", t -> t.startsWith("Checkpoint #0 completed"), UI_TIMEOUT);
            JsonNode checkpoints = JSON.readTree(p.get("/checkpoints").body());
            assertThat(checkpoints).hasSize(1);
            String uuid = checkpoints.get(0).get("uuid").asText();
            browser.awaitText("#last-checkpoint-uuid", uuid::equals, UI_TIMEOUT);
            browser.awaitText("#checkpoints", t -> t.contains(uuid), UI_TIMEOUT);
            browser.awaitText("#retained-checkpoints", "1"::equals, UI_TIMEOUT);

            Path shots = Files.createDirectories(Path.of("target", "webpage-it"));
            browser.screenshot(shots.resolve("webpage.png"));

            browser.click("#btn-suspend");
            browser.acceptDialog();
            browser.awaitText("#runtime-status", "Suspended"::equals, UI_TIMEOUT);
            assertThat(browser.text("#action-result")).isEqualTo("Suspend: HTTP 202 Pipeline is suspending");
            assertThat(status(p).get("runtime_status").asText()).isEqualTo("Suspended");
            browser.awaitText("#stats-error", t -> t.startsWith("HTTP 503 Suspended"), UI_TIMEOUT);
            browser.screenshot(shots.resolve("webpage-suspended.png"));
        }
    }

    private static JsonNode status(PipelineProcess p) throws Exception {
        HttpResponse<String> r = p.get("/status");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
