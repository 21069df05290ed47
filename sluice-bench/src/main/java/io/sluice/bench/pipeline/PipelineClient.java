package io.sluice.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP calls the benchmark makes to a pipeline: CSV ingress, stats, checkpoint and status.
 * Thread-safe: {@link HttpClient} is, and nothing else here is mutable.
 *
 * <p>With {@code keepAlive} off every request carries {@code Connection: close}, so no idle
 * connection of this client is open when the pipeline gets SIGTERM; with it on, the JDK client
 * pools connections as usual and the pipeline's HTTP drain sees them.
 */
final class PipelineClient {
    static {
        // Connection is a restricted header of the JDK client; this must be set before its first use.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private final boolean keepAlive;

    PipelineClient(int port, boolean keepAlive) {
        this.base = "http://127.0.0.1:" + port;
        this.keepAlive = keepAlive;
    }

    /** Posts CSV rows to {@code table}; anything but 200 is an error. */
    void ingestCsv(String table, byte[] csv) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request("/ingress/" + table + "?format=csv")
                .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofByteArray(csv)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("ingress into " + table + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /**
     * Posts {@code body} to {@code /ingress/{table}?{query}} and returns the completion token of the
     * 200 answer; anything but 200 is an error.
     */
    String ingest(String table, String query, byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request("/ingress/" + table + "?" + query)
                .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            String text = r.body();
            throw new IllegalStateException("ingress into " + table + " answered " + r.statusCode() + ": "
                    + (text.length() > 500 ? text.substring(0, 500) + "..." : text));
        }
        return JSON.readTree(r.body()).path("token").asText();
    }

    /** True once {@code GET /completion_status?token=} answers {@code complete}. */
    boolean isComplete(String token) throws IOException, InterruptedException {
        return getJson("/completion_status?token=" + token).path("status").asText().equals("complete");
    }

    JsonNode stats() throws IOException, InterruptedException {
        return getJson("/stats");
    }

    JsonNode status() throws IOException, InterruptedException {
        return getJson("/status");
    }

    JsonNode checkpointStatus() throws IOException, InterruptedException {
        return getJson("/checkpoint_status");
    }

    /** Requests a checkpoint and returns its sequence number. */
    long checkpoint() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request("/checkpoint")
                .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST /checkpoint answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("checkpoint_sequence_number").asLong(-1);
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path)
                .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        return keepAlive ? builder : builder.header("Connection", "close");
    }
}
