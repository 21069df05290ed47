package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code --api-key-file}, every endpoint but {@code /status} needs the bearer token. */
class ApiKeyIT {
    @TempDir
    Path dir;

    @Test
    void withoutTheKey_everyEndpointButStatusIs401() throws Exception {
        Path keyFile = dir.resolve("api-key");
        Files.writeString(keyFile, "s3cret-key\n");
        PipelineProcess.Options options = PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true)
                .withArgs("--api-key-file", keyFile.toString());
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            HttpResponse<String> stats = p.get("/stats");
            assertThat(stats.statusCode()).isEqualTo(401);
            assertThat(stats.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(stats.body()).contains("\"error_code\":\"Unauthorized\"");
            assertThat(p.post("/ingress/orders?format=json", "{}").statusCode()).isEqualTo(401);
            assertThat(p.post("/suspend", "").statusCode()).isEqualTo(401);
            assertThat(send(p.uri("/stats"), "Bearer wrong")).isEqualTo(401);
            assertThat(send(p.uri("/stats"), "Bearer s3cret-key")).isEqualTo(200);
            assertThat(p.get("/status").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anEmptyKeyFile_isRefusedAtStartup() throws Exception {
        Path keyFile = dir.resolve("empty");
        Files.writeString(keyFile, "  \n");
        PipelineProcess.Options options = PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true)
                .withArgs("--api-key-file", keyFile.toString());
        try {
            PipelineProcess.start(options).close();
            throw new AssertionError("started with an empty key file");
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).contains("exited with 1").contains("is empty");
        }
    }

    private static int send(URI uri, String authorization) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
