package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** §2.4 of the spec for the monitoring and connector endpoints: they need the running pipeline. */
class EndpointGatingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static void refused(PipelineProcess p, int status, String code) throws Exception {
        String[] gets = {"/stats", "/stats/errors", "/time_series", "/time_series_stream", "/input_endpoints/x/pause",
            "/input_endpoints/x/start", "/input_endpoints/x/stats", "/input_endpoints/x/completion_token",
            "/output_endpoints/x/stats"};
        for (String path : gets) {
            check(p.get(path), path, status, code);
        }
        for (String path : new String[] {"/start_transaction", "/commit_transaction"}) {
            check(p.post(path, ""), path, status, code);
        }
        check(p.get("/query?format=csv&sql=SELECT%20*%20FROM%20orders"), "/query", status, code);
    }

    private static void check(HttpResponse<String> r, String path, int status, String code) throws Exception {
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error_code").asText()).as(path).isEqualTo(code);
    }

    @Test
    void inStandbyTheEndpointsAreInitializing_andAfterASuspendSuspended() throws Exception {
        try (PipelineProcess p = PipelineProcess.start(PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true)
                .withInitial("standby"))) {
            p.awaitStatus("Standby", Duration.ofSeconds(60));
            refused(p, 503, "Initializing");
            assertThat(p.post("/activate", "").statusCode()).isEqualTo(202);
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(p.get("/stats").statusCode()).isEqualTo(200);
            assertThat(p.post("/suspend", "").statusCode()).isEqualTo(202);
            p.awaitStatus("Suspended", Duration.ofSeconds(60));
            refused(p, 503, "Suspended");
        }
    }
}
