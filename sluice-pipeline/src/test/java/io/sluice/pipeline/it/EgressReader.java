package io.sluice.pipeline.it;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Reads an {@code /egress} stream line by line in the background and records how it ended. */
final class EgressReader {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    static EgressReader open(PipelineProcess p, String view) throws Exception {
        return open(p, view, "");
    }

    /** {@code moreParams} is appended to the query string, e.g. {@code "&send_snapshot=true"}. */
    static EgressReader open(PipelineProcess p, String view, String moreParams) throws Exception {
        EgressReader reader = new EgressReader();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(p.uri("/egress/" + view + "?format=json" + moreParams)).POST(HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new AssertionError("egress answered " + response.statusCode());
        }
        Thread t = new Thread(() -> {
            try (Stream<String> body = response.body()) {
                body.filter(l -> !l.isBlank()).forEach(reader.lines::add);
                reader.ended.complete(null);
            } catch (RuntimeException e) {
                reader.ended.completeExceptionally(e);
            }
        }, "egress-reader-" + view);
        t.setDaemon(true);
        t.start();
        return reader;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines that carry data, not keep-alives. */
    List<String> dataLines() {
        return lines.stream().filter(l -> l.contains("\"json_data\"")).toList();
    }

    /** Completes normally when the server ended the stream cleanly, exceptionally when it was cut. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    void awaitDataLines(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (dataLines().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " egress chunks, got " + lines());
            }
            Thread.sleep(20);
        }
    }
}
