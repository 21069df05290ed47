package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, a full disk: the storage directory is an 8 MiB tmpfs, and the test ingests until a
 * checkpoint cannot be written. The failure shows in {@code /checkpoint_status} and {@code /stats},
 * the pipeline keeps ingesting and answering queries, the failed checkpoint leaves no partial
 * file and no directory, and a restart restores the previous checkpoint.
 *
 * <p>Mounting needs root ({@code mount -t tmpfs}); the test fails, not skips, where it cannot mount.
 */
class DiskFullIT {
    private static final String PROGRAM = """
            CREATE TABLE blobs (id BIGINT NOT NULL PRIMARY KEY, payload VARCHAR NOT NULL) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW totals AS SELECT COUNT(*) AS n, SUM(id) AS s FROM blobs;
            """;
    private static final int ROWS_PER_REQUEST = 500;
    private static final int PAYLOAD_CHARS = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aCheckpointThatDoesNotFit_isReported_theOldOneStays_andThePipelineRunsOn() throws Exception {
        Path storage = dir.resolve("storage");
        Files.createDirectories(storage);
        run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", storage.toString());
        try {
            fillUntilACheckpointFails(storage);
        } finally {
            run("umount", storage.toString());
        }
    }

    private void fillUntilACheckpointFails(Path storage) throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, false).withStorage(storage);
        long committedRows;
        String committedUuid;
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            long rows = 0;
            committedRows = -1;
            committedUuid = null;
            JsonNode failure = null;
            for (int round = 0; failure == null; round++) {
                assertThat(round).as("a checkpoint should have failed on an 8 MiB file system by now").isLessThan(100);
                rows = ingest(p, rows, ROWS_PER_REQUEST);
                JsonNode outcome = checkpoint(p);
                if (outcome.get("failure").isNull()) {
                    committedRows = rows;
                    committedUuid = stats(p).get("last_checkpoint").get("uuid").asText();
                } else {
                    failure = outcome.get("failure");
                }
            }
            assertThat(committedRows).as("at least one checkpoint fitted before the disk filled").isPositive();
            System.out.printf("DiskFullIT: checkpoint of %d rows failed after one of %d rows committed: %s%n", rows,
                    committedRows, failure);
            assertThat(failure.get("error").asText()).contains("No space left on device");

            JsonNode lastFailure = stats(p).get("last_checkpoint_failure");
            assertThat(lastFailure.get("error").asText()).contains("No space left on device");
            assertThat(lastFailure.get("failed_at").asText()).isNotBlank();
            assertThat(stats(p).get("last_checkpoint").get("uuid").asText()).isEqualTo(committedUuid);

            assertThat(rootStateUuid(storage)).as("the root state.json still names the last good checkpoint").isEqualTo(committedUuid);
            assertThat(checkpointDirectories(storage)).as("no directory of the failed checkpoint").isEqualTo(catalogUuids(storage));
            assertThat(temporaryFiles(storage)).as("no partial (.mut) file of the failed checkpoint").isEmpty();

            rows = ingest(p, rows, 10);
            assertThat(p.query("SELECT n FROM totals")).containsExactly("{\"n\":" + rows + "}");
            p.signal("KILL");
            p.awaitExit(Duration.ofSeconds(30));
        }
        try (PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString()))) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            assertThat(p.log()).contains("resuming from checkpoint").contains(committedUuid);
            Set<Long> ids = new TreeSet<>();
            for (String line : p.query("SELECT id FROM blobs")) {
                ids.add(JSON.readTree(line).get("id").asLong());
            }
            assertThat(ids).hasSize((int) committedRows);
            assertThat(ids).first().isEqualTo(0L);
            assertThat(ids).last().isEqualTo(committedRows - 1);
            assertThat(p.query("SELECT n, s FROM totals"))
                    .containsExactly("{\"n\":" + committedRows + ",\"s\":" + committedRows * (committedRows - 1) / 2 + "}");
            assertThat(batchFiles(storage)).as("batch files the failed checkpoint wrote are collected at the start")
                    .isEqualTo(referencedBatches(storage));
            assertThat(temporaryFiles(storage)).isEmpty();
        }
    }

    private static long ingest(PipelineProcess p, long from, int count) throws Exception {
        StringBuilder body = new StringBuilder();
        for (long id = from; id < from + count; id++) {
            body.append("{\"insert\": {\"id\": ").append(id).append(", \"payload\": \"").append(payload(id)).append("\"}}\n");
        }
        p.ingestJson("blobs", body.toString());
        return from + count;
    }

    /** Incompressible-looking text, so that the bytes on disk grow with the rows. */
    private static String payload(long id) {
        Random random = new Random(id);
        StringBuilder s = new StringBuilder(PAYLOAD_CHARS);
        while (s.length() < PAYLOAD_CHARS) {
            s.append(Long.toHexString(random.nextLong()));
        }
        return s.substring(0, PAYLOAD_CHARS);
    }

    /** Requests a checkpoint and returns {@code /checkpoint_status} once it has succeeded or failed. */
    private static JsonNode checkpoint(PipelineProcess p) throws Exception {
        long seq = JSON.readTree(p.post("/checkpoint", "").body()).get("checkpoint_sequence_number").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = JSON.readTree(p.get("/checkpoint_status").body());
            if (!status.get("failure").isNull() && status.get("failure").get("sequence_number").asLong() == seq) {
                return status;
            }
            if (!status.get("success").isNull() && status.get("success").asLong() >= seq) {
                return status;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("checkpoint " + seq + " neither succeeded nor failed in 60 s; log:\n" + p.log());
    }

    private static JsonNode stats(PipelineProcess p) throws Exception {
        return JSON.readTree(p.get("/stats").body());
    }

    private static String rootStateUuid(Path storage) throws IOException {
        return JSON.readTree(storage.resolve("state.json").toFile()).get("uuid").asText();
    }

    private static Set<String> catalogUuids(Path storage) throws IOException {
        Set<String> uuids = new TreeSet<>();
        JSON.readTree(storage.resolve("checkpoints.json").toFile()).forEach(r -> uuids.add(r.get("uuid").asText()));
        return uuids;
    }

    private static Set<String> referencedBatches(Path storage) throws IOException {
        Set<String> names = new TreeSet<>();
        JSON.readTree(storage.resolve("checkpoints.json").toFile()).forEach(r -> r.get("batches").forEach(b -> names.add(b.asText())));
        return names;
    }

    private static Set<String> checkpointDirectories(Path storage) throws IOException {
        return names(storage.resolve("checkpoints"));
    }

    private static Set<String> batchFiles(Path storage) throws IOException {
        return names(storage.resolve("batches"));
    }

    private static Set<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return new TreeSet<>(entries.map(e -> e.getFileName().toString()).toList());
        }
    }

    private static List<Path> temporaryFiles(Path storage) throws IOException {
        try (Stream<Path> walk = Files.walk(storage)) {
            return walk.filter(f -> f.getFileName().toString().endsWith(".mut")).toList();
        }
    }

    /** Runs a command and fails the test, with its output, if it does not exit 0. */
    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s (DiskFullIT needs root to mount a tmpfs): %s", String.join(" ", command), output)
                .isZero();
    }
}
