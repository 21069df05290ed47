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
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint sync end to end: the packaged jar as child processes, S3Proxy (filesystem backend) in
 * this JVM on 127.0.0.1 as the object store, state read back only through HTTP.
 */
class ObjectStoreSyncIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(60);
    private static final String PREFIX = "pipeline";

    @TempDir
    Path dir;
    private S3Store store;

    @BeforeEach
    void startStore() throws Exception {
        store = new S3Store(dir.resolve("s3"));
    }

    @AfterEach
    void stopStore() throws Exception {
        store.close();
    }

    private String yaml(String endpoint, String prefix, Map<String, Object> more) {
        return S3Store.storageYaml(endpoint, prefix, more);
    }

    @Test
    void sigtermPushesTheFinalCheckpoint_andAPodOnAnEmptyDiskResumesFromIt() throws Exception {
        String config = yaml(store.endpoint(), PREFIX, Map.of("start_from_checkpoint", "latest"));
        PipelineProcess.Options a = PipelineProcess.options(dir.resolve("node-a"), CleanShutdownIT.PROGRAM, true);
        Map<String, List<String>> before;
        String finalCheckpoint;
        try (PipelineProcess p = PipelineProcess.start(a, config)) {
            p.awaitStatus("Running", START);
            seed(p);
            p.ingestJson("orders", "{\"delete\": {\"order_id\": 3}} {\"insert\": {\"order_id\": 5, \"customer_id\": 2, \"amount\": 300}}");
            before = snapshot(p);
            assertThat(store.list(PREFIX + "/checkpoints/")).as("nothing pushed before the signal").isEmpty();
            p.signal("TERM");
            assertThat(p.awaitExit(START)).as("exit code; log:\n%s", p.log()).isZero();
            assertThat(p.log()).contains("final checkpoint committed").contains("final checkpoint pushed to the object store")
                    .containsPattern("sync_push_ms=\\d+");
            finalCheckpoint = CleanShutdownIT.committedCheckpoint(a).orElseThrow();
        }
        assertThat(store.exists(PREFIX + "/checkpoints/" + finalCheckpoint + ".json")).isTrue();
        assertThat(store.read(PREFIX + "/owner.json")).contains("\"pipeline\":\"it\"");

        // The pod moves to another node: a new working directory, an empty storage directory, the same bucket.
        PipelineProcess.Options b = PipelineProcess.options(dir.resolve("node-b"), CleanShutdownIT.PROGRAM, true);
        assertThat(b.storage()).doesNotExist();
        try (PipelineProcess p = PipelineProcess.start(b, config)) {
            p.awaitStatus("Running", START);
            assertThat(snapshot(p)).isEqualTo(before);
            assertThat(p.log()).contains("checkpoint pulled").contains(finalCheckpoint);
            JsonNode stats = JSON.readTree(p.get("/stats").body());
            assertThat(stats.get("global_metrics").get("total_input_records").asLong()).isEqualTo(8);
            assertThat(stats.get("checkpoint_sync").get("last_pull").get("uuid").asText()).isEqualTo(finalCheckpoint);
        }
    }

    @Test
    void standbyFollowsThePushes_andWhenTheActiveIsKilledTakesOverFromItsLastPushedCheckpoint() throws Exception {
        String activeConfig = yaml(store.endpoint(), PREFIX, Map.of());
        String standbyConfig = yaml(store.endpoint(), PREFIX, Map.of("start_from_checkpoint", "latest", "pull_interval", 1));
        PipelineProcess.Options a = PipelineProcess.options(dir.resolve("node-a"), CleanShutdownIT.PROGRAM, false);
        PipelineProcess.Options b = PipelineProcess.options(dir.resolve("node-b"), CleanShutdownIT.PROGRAM, false)
                .withInitial("standby");
        try (PipelineProcess active = PipelineProcess.start(a, activeConfig);
                PipelineProcess standby = PipelineProcess.start(b, standbyConfig)) {
            active.awaitStatus("Running", START);
            standby.awaitStatus("Standby", START);
            seed(active);
            String first = checkpointAndPush(active);
            awaitJson(standby, "/checkpoint/sync_status", s -> first.equals(s.at("/last_pull/uuid").asText()));

            active.ingestJson("orders", "{\"insert\": {\"order_id\": 7, \"customer_id\": 1, \"amount\": 70}}");
            Map<String, List<String>> atSecond = snapshot(active);
            String second = checkpointAndPush(active);
            awaitJson(standby, "/checkpoint/sync_status", s -> second.equals(s.at("/last_pull/uuid").asText()));
            assertThat(standby.get("/status").body()).contains("\"runtime_status\":\"Standby\"");

            // Taken after the last push and never pushed: lost with the node.
            active.ingestJson("orders", "{\"insert\": {\"order_id\": 8, \"customer_id\": 2, \"amount\": 80}}");
            active.signal("KILL");
            active.awaitExit(Duration.ofSeconds(30));

            HttpResponse<String> activate = standby.post("/activate", "");
            assertThat(activate.statusCode()).as(activate.body()).isEqualTo(202);
            standby.awaitStatus("Running", START);
            assertThat(snapshot(standby)).isEqualTo(atSecond);
            String incarnation = JSON.readTree(standby.get("/stats").body()).at("/global_metrics/incarnation_uuid").asText();
            JsonNode owner = JSON.readTree(store.read(PREFIX + "/owner.json"));
            assertThat(owner.get("owner").asText()).isEqualTo(incarnation);
            assertThat(owner.get("epoch").asLong()).isEqualTo(2);
            assertThat(b.storage().resolve("activated.json")).exists();
            assertThat(Files.readString(b.storage().resolve("activated.json"))).contains(second);

            // The new active pushes into the bucket it took over.
            String third = checkpointAndPush(standby);
            assertThat(JSON.readTree(store.read(PREFIX + "/checkpoints/" + third + ".json")).get("epoch").asLong()).isEqualTo(2);
        }
    }

    @Test
    void anActivatedStandbyFencesTheOldActive_whichStopsPushing() throws Exception {
        String config = yaml(store.endpoint(), PREFIX, Map.of("pull_interval", 1));
        PipelineProcess.Options a = PipelineProcess.options(dir.resolve("node-a"), CleanShutdownIT.PROGRAM, false);
        PipelineProcess.Options b = PipelineProcess.options(dir.resolve("node-b"), CleanShutdownIT.PROGRAM, false)
                .withInitial("standby");
        try (PipelineProcess active = PipelineProcess.start(a, config);
                PipelineProcess standby = PipelineProcess.start(b, config)) {
            active.awaitStatus("Running", START);
            seed(active);
            String first = checkpointAndPush(active);
            standby.awaitStatus("Standby", START);
            assertThat(standby.post("/activate", "").statusCode()).isEqualTo(202);
            standby.awaitStatus("Running", START);

            // The old active is still alive (a partition, say): its next push is refused, not written.
            active.ingestJson("orders", "{\"insert\": {\"order_id\": 9, \"customer_id\": 1, \"amount\": 9}}");
            awaitCheckpoint(active);
            String refused = JSON.readTree(active.post("/checkpoint/sync", "").body()).get("checkpoint_uuid").asText();
            JsonNode status = awaitJson(active, "/checkpoint/sync_status", s -> s.at("/failure/uuid").asText().equals(refused));
            assertThat(status.at("/failure/error").asText()).contains("was taken over by process");
            assertThat(status.get("fenced").isNull()).isFalse();
            assertThat(store.exists(PREFIX + "/checkpoints/" + refused + ".json")).isFalse();
            assertThat(store.exists(PREFIX + "/checkpoints/" + first + ".json")).isTrue();
        }
    }

    @Test
    void aSecondCheckpointAfterASmallChangeUploadsOnlyTheNewFiles() throws Exception {
        try (S3Store.Relay relay = new S3Store.Relay(store.port())) {
            String config = yaml(relay.endpoint(), PREFIX, Map.of("retention_min_count", 1, "retention_min_age", 0));
            PipelineProcess.Options a = PipelineProcess.options(dir.resolve("node-a"), CleanShutdownIT.PROGRAM, false);
            Map<String, List<String>> atSecond;
            String second;
            try (PipelineProcess p = PipelineProcess.start(a, config)) {
                p.awaitStatus("Running", START);
                seed(p);
                StringBuilder csv = new StringBuilder();
                for (int i = 100; i < 20_100; i++) {
                    csv.append(i).append(',').append(1 + i % 2).append(',').append(i % 1000).append(".25\n");
                }
                assertThat(p.post("/ingress/orders?format=csv", csv.toString()).statusCode()).isEqualTo(200);
                long relayBefore = relay.bytesToStore();
                String first = checkpointAndPush(p);
                long firstRelayed = relay.bytesToStore() - relayBefore;
                JsonNode push1 = JSON.readTree(p.get("/checkpoint/sync_status").body()).get("last_push");
                Map<String, Long> afterFirst = store.list(PREFIX + "/");

                p.ingestJson("orders", "{\"insert\": {\"order_id\": 5, \"customer_id\": 2, \"amount\": 300}}");
                atSecond = snapshot(p);
                relayBefore = relay.bytesToStore();
                second = checkpointAndPush(p);
                long secondRelayed = relay.bytesToStore() - relayBefore;
                JsonNode push2 = JSON.readTree(p.get("/checkpoint/sync_status").body()).get("last_push");
                Map<String, Long> afterSecond = store.list(PREFIX + "/");

                long newBytes = 0;
                for (Map.Entry<String, Long> e : afterSecond.entrySet()) {
                    if (!afterFirst.containsKey(e.getKey()) && !e.getKey().endsWith("owner.json")) {
                        newBytes += e.getValue();
                    }
                }
                System.out.printf("push 1: %s (relayed %d bytes); push 2: %s (relayed %d bytes); new objects %d bytes%n",
                        push1, firstRelayed, push2, secondRelayed, newBytes);
                assertThat(push2.get("uploaded_bytes").asLong()).as("push 2 uploads exactly the objects that are new").isEqualTo(newBytes);
                assertThat(push2.get("skipped_files").asInt()).isPositive();
                assertThat(push2.get("uploaded_bytes").asLong() * 10).isLessThan(push1.get("uploaded_bytes").asLong());
                assertThat(secondRelayed * 5).as("bytes on the wire").isLessThan(firstRelayed);
                // Remote retention (min count 1, min age 0): the first checkpoint is gone, the second complete.
                assertThat(store.exists(PREFIX + "/checkpoints/" + first + ".json")).isFalse();
                assertThat(store.list(PREFIX + "/checkpoints/" + first + "/")).isEmpty();
            }
            PipelineProcess.Options b = PipelineProcess.options(dir.resolve("node-b"), CleanShutdownIT.PROGRAM, false);
            try (PipelineProcess p = PipelineProcess.start(b, yaml(store.endpoint(), PREFIX,
                    Map.of("start_from_checkpoint", second, "fail_if_no_checkpoint", true)))) {
                p.awaitStatus("Running", START);
                assertThat(snapshot(p)).isEqualTo(atSecond);
            }
        }
    }

    @Test
    void theStoreStoppedMidPush_isReportedAndRetried_andTheBucketsPreviousCheckpointStillRestores() throws Exception {
        try (S3Store.Relay relay = new S3Store.Relay(store.port())) {
            String config = yaml(relay.endpoint(), PREFIX, Map.of());
            PipelineProcess.Options a = PipelineProcess.options(dir.resolve("node-a"), CleanShutdownIT.PROGRAM, false);
            try (PipelineProcess p = PipelineProcess.start(a, config)) {
                p.awaitStatus("Running", START);
                seed(p);
                Map<String, List<String>> atFirst = snapshot(p);
                String first = checkpointAndPush(p);
                java.util.Set<String> afterFirst = store.list(PREFIX + "/").keySet();

                p.ingestJson("orders", "{\"insert\": {\"order_id\": 5, \"customer_id\": 2, \"amount\": 300}}");
                Map<String, List<String>> atSecond = snapshot(p);
                String second = awaitCheckpoint(p);
                // The second PUT of the push stops the store: one object is in, the rest and the manifest are not.
                relay.failAtPut(2, () -> {
                    try {
                        store.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(JSON.readTree(p.post("/checkpoint/sync", "").body()).get("checkpoint_uuid").asText()).isEqualTo(second);
                JsonNode failed = awaitJson(p, "/checkpoint/sync_status",
                        s -> s.get("consecutive_failures").asInt() >= 2 && second.equals(s.at("/failure/uuid").asText()));
                assertThat(relay.isDown()).isTrue();
                assertThat(failed.get("success").asText()).isEqualTo(first);
                assertThat(failed.at("/failure/retry_in_msecs").asLong()).isPositive();
                JsonNode stats = JSON.readTree(p.get("/stats").body()).get("checkpoint_sync");
                assertThat(stats.at("/failure/uuid").asText()).isEqualTo(second);
                assertThat(p.get("/metrics").body()).containsPattern("checkpoint_sync_push_failures_total\\{pipeline=\"it\"} [1-9]");

                // The store comes back, but not yet for the pipeline: the bucket is as the cut push left it.
                store.start();
                relay.retarget(store.port());
                assertThat(store.exists(PREFIX + "/checkpoints/" + second + ".json")).as("no manifest, so not visible").isFalse();
                java.util.Set<String> partial = new java.util.TreeSet<>(store.list(PREFIX + "/").keySet());
                partial.removeAll(afterFirst);
                assertThat(partial).as("the cut push left exactly one object behind, and no manifest").hasSize(1);
                PipelineProcess.Options c = PipelineProcess.options(dir.resolve("node-c"), CleanShutdownIT.PROGRAM, false);
                try (PipelineProcess clone = PipelineProcess.start(c, yaml(store.endpoint(), "clone",
                        Map.of("read_bucket", S3Store.BUCKET + "/" + PREFIX, "start_from_checkpoint", "latest",
                                "fail_if_no_checkpoint", true)))) {
                    clone.awaitStatus("Running", START);
                    assertThat(snapshot(clone)).as("the bucket's previous checkpoint restores").isEqualTo(atFirst);
                }

                // Now the pipeline reaches the store again: the retried push completes.
                relay.up();
                awaitJson(p, "/checkpoint/sync_status", s -> second.equals(s.get("success").asText()));
                assertThat(store.exists(PREFIX + "/checkpoints/" + second + ".json")).isTrue();
                JsonNode after = JSON.readTree(p.get("/checkpoint/sync_status").body());
                assertThat(after.get("consecutive_failures").asInt()).isZero();
                PipelineProcess.Options d = PipelineProcess.options(dir.resolve("node-d"), CleanShutdownIT.PROGRAM, false);
                try (PipelineProcess restored = PipelineProcess.start(d, yaml(store.endpoint(), "restore-d",
                        Map.of("read_bucket", S3Store.BUCKET + "/" + PREFIX, "start_from_checkpoint", "latest")))) {
                    restored.awaitStatus("Running", START);
                    assertThat(snapshot(restored)).isEqualTo(atSecond);
                }
                // The local checkpoint was never touched: the pipeline's own restart resumes from it.
                assertThat(CleanShutdownIT.committedCheckpoint(a)).contains(second);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Takes a checkpoint, waits for it, pushes it and waits for the push; returns its uuid. */
    private static String checkpointAndPush(PipelineProcess p) throws Exception {
        String uuid = awaitCheckpoint(p);
        HttpResponse<String> r = p.post("/checkpoint/sync", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("checkpoint_uuid").asText()).isEqualTo(uuid);
        awaitJson(p, "/checkpoint/sync_status", s -> uuid.equals(s.get("success").asText()));
        return uuid;
    }

    /** Takes a checkpoint and returns its uuid once committed. */
    private static String awaitCheckpoint(PipelineProcess p) throws Exception {
        HttpResponse<String> r = p.post("/checkpoint", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long seq = JSON.readTree(r.body()).get("checkpoint_sequence_number").asLong();
        awaitJson(p, "/checkpoint_status", s -> !s.get("success").isNull() && s.get("success").asLong() >= seq);
        return JSON.readTree(p.get("/stats").body()).at("/last_checkpoint/uuid").asText();
    }

    private static JsonNode awaitJson(PipelineProcess p, String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = p.get(path);
            if (r.statusCode() == 200) {
                last = JSON.readTree(r.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " never reached the expected state; last: " + last + "\nlog:\n" + p.log());
    }

    /** Waits until the pipeline has no buffered input and has processed every record it accepted. */
    private static void awaitProcessed(PipelineProcess p) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            JsonNode global = JSON.readTree(p.get("/stats").body()).path("global_metrics");
            if (global.path("buffered_input_records").asLong(-1) == 0
                    && global.path("total_processed_records").asLong() == global.path("total_input_records").asLong(-1)) {
                return;
            }
            assertThat(System.nanoTime()).as("input processed within %s: %s", START, global).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void seed(PipelineProcess p) throws Exception {
        p.ingestJson("customers", "{\"insert\": {\"id\": 1, \"name\": \"Ada\", \"region\": \"EU\"}}\n"
                + "{\"insert\": {\"id\": 2, \"name\": \"Bob\", \"region\": \"US\"}}");
        HttpResponse<String> csv = p.post("/ingress/orders?format=csv", "1,1,150.00\n2,1,20.50\n3,2,99.99\n4,2,400\n");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    }

    /** The materialized relations, once every record accepted so far went through a step. */
    private static Map<String, List<String>> snapshot(PipelineProcess p) throws Exception {
        awaitProcessed(p);
        Map<String, List<String>> all = new TreeMap<>();
        for (String relation : List.of("customers", "revenue")) {
            all.put(relation, p.query("SELECT * FROM " + relation));
        }
        all.put("orders", List.of(String.valueOf(p.query("SELECT * FROM orders").hashCode()),
                p.query("SELECT COUNT(*) AS n, SUM(amount) AS s FROM orders").toString()));
        return all;
    }
}
