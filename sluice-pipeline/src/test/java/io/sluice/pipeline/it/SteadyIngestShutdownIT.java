package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under steady ingest from several HTTP clients, SIGTERM with clean shutdown on: exactly the records
 * that were acknowledged (200) are restored after the restart. Requests refused with 503 or cut
 * by the shutdown were not acknowledged, and must not appear.
 */
class SteadyIngestShutdownIT {
    private static final String PROGRAM = """
            CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY, client INT NOT NULL) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW per_client AS SELECT client, COUNT(*) AS n FROM events GROUP BY client;
            """;
    private static final int CLIENTS = 4;
    private static final int RECORDS_PER_REQUEST = 50;

    @TempDir
    Path dir;

    @Test
    void acknowledgedRecords_equalRestoredRecords() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true);
        Set<Long> acknowledged = new ConcurrentSkipListSet<>();
        AtomicLong refused = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread t = new Thread(() -> ingestUntilStopped(p.uri("/ingress/events?format=json"), client, stop,
                        acknowledged, refused, unexpected), "client-" + c);
                t.start();
                clients.add(t);
            }
            while (acknowledged.size() < 2_000) {
                Thread.sleep(20);
            }
            Thread.sleep(2_000);
            p.signal("TERM");
            assertThat(p.awaitExit(Duration.ofSeconds(60))).as("exit code; log:\n%s", p.log()).isZero();
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
        }
        assertThat(unexpected).isEmpty();
        assertThat(acknowledged.size()).isGreaterThan(2_000);
        System.out.printf("steady ingest: %d records acknowledged by %d clients, %d requests refused or cut%n",
                acknowledged.size(), CLIENTS, refused.get());
        try (PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString()).withInitial("paused"))) {
            p.awaitStatus("Paused", Duration.ofSeconds(60));
            Set<Long> restored = new TreeSet<>();
            for (String line : p.query("SELECT id FROM events")) {
                restored.add(Long.parseLong(line.replaceAll("[^0-9]", "")));
            }
            assertThat(restored).as("restored ids (%d acknowledged, %d refused requests)", acknowledged.size(), refused.get())
                    .isEqualTo(new TreeSet<>(acknowledged));
            long total = 0;
            for (String line : p.query("SELECT client, n FROM per_client")) {
                total += Long.parseLong(line.replaceAll(".*\"n\":(\\d+).*", "$1"));
            }
            assertThat(total).isEqualTo(acknowledged.size());
        }
    }

    private static void ingestUntilStopped(URI uri, int client, AtomicBoolean stop, Set<Long> acknowledged,
            AtomicLong refused, List<Throwable> unexpected) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long next = (long) client << 32;
        while (!stop.get()) {
            StringBuilder body = new StringBuilder();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_REQUEST; i++) {
                long id = next++;
                ids.add(id);
                body.append("{\"insert\": {\"id\": ").append(id).append(", \"client\": ").append(client).append("}}\n");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    acknowledged.addAll(ids);
                } else if (r.statusCode() == 503) {
                    refused.incrementAndGet();
                } else {
                    unexpected.add(new AssertionError("ingress answered " + r.statusCode() + ": " + r.body()));
                }
            } catch (java.io.IOException e) {
                refused.incrementAndGet(); // the server went away: not acknowledged
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
