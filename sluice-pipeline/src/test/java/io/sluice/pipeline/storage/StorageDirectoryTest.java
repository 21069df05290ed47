package io.sluice.pipeline.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.pipeline.api.DesiredStatus;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageDirectoryTest {
    private static final CompiledProgram PROGRAM = SqlCompiler.compile("""
            CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, v BIGINT) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW s AS SELECT v, COUNT(*) AS c FROM t GROUP BY v;
            """);
    private static final CheckpointRecord.Counters COUNTERS = new CheckpointRecord.Counters(1, 2, 3);

    @TempDir
    Path dir;

    private static CircuitState stateAfter(Circuit c, int from, int to) {
        for (long k = from; k < to; k++) {
            c.append("t", Row.of(k, k % 7), 1);
        }
        c.step();
        return c.capture();
    }

    @Test
    void checkpoint_roundTripsAndTheRootStateIsTheLatest() throws Exception {
        Circuit c = PROGRAM.newCircuit();
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            assertThat(st.readLatest()).isEmpty();
            CheckpointRecord r = st.writeCheckpoint(stateAfter(c, 0, 100), COUNTERS, "fp");
            StorageDirectory.Restored restored = st.readLatest().orElseThrow();
            assertThat(restored.record()).isEqualTo(r);
            Circuit fresh = PROGRAM.newCircuit();
            fresh.restore(restored.state());
            fresh.step();
            c.step();
            assertThat(fresh.snapshot("s")).isEqualTo(c.snapshot("s"));
            assertThat(fresh.snapshot("t").size()).isEqualTo(100);
        }
    }

    @Test
    void aLaterCheckpoint_writesOnlyWhatChanged_andRetentionKeepsTwo() throws Exception {
        Circuit c = PROGRAM.newCircuit();
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            CheckpointRecord first = st.writeCheckpoint(stateAfter(c, 0, 20_000), COUNTERS, "fp");
            CheckpointRecord second = st.writeCheckpoint(stateAfter(c, 20_000, 20_010), COUNTERS, "fp");
            assertThat(second.writtenBytes()).as("second writes a fraction of the first").isLessThan(first.writtenBytes() / 10);
            CheckpointRecord third = st.writeCheckpoint(stateAfter(c, 20_010, 20_020), COUNTERS, "fp");
            assertThat(st.catalog()).extracting(CheckpointRecord::uuid).containsExactly(second.uuid(), third.uuid());
            assertThat(dir.resolve("checkpoints").resolve(first.uuid())).doesNotExist();
            try (Stream<Path> files = Files.list(dir.resolve("batches"))) {
                java.util.Set<String> live = new java.util.HashSet<>(second.batches());
                live.addAll(third.batches());
                assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(live);
            }
        }
    }

    @Test
    void manyCheckpointsReusingBatches_stillRestoreAfterRetention() throws Exception {
        // Regression: reused batch files were missing from the checkpoint record, so retention
        // deleted files that the newest manifest still referenced.
        Circuit c = PROGRAM.newCircuit();
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            st.writeCheckpoint(stateAfter(c, 0, 5_000), COUNTERS, "fp");
            for (int i = 1; i <= 5; i++) {
                CheckpointRecord r = st.writeCheckpoint(stateAfter(c, 5_000 + i * 10, 5_010 + i * 10), COUNTERS, "fp");
                assertThat(r.sizeBytes()).as("size counts reused files too").isGreaterThan(r.writtenBytes());
            }
        }
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Circuit fresh = PROGRAM.newCircuit();
            fresh.restore(st.readLatest().orElseThrow().state());
            fresh.step();
            c.step();
            assertThat(fresh.snapshot("t")).isEqualTo(c.snapshot("t"));
            assertThat(fresh.snapshot("s")).isEqualTo(c.snapshot("s"));
        }
    }

    @Test
    void startup_removesWhatAnInterruptedCheckpointLeft() throws Exception {
        Circuit c = PROGRAM.newCircuit();
        CheckpointRecord committed;
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            committed = st.writeCheckpoint(stateAfter(c, 0, 10), COUNTERS, "fp");
        }
        Files.createDirectories(dir.resolve("checkpoints/0000-interrupted"));
        Files.writeString(dir.resolve("batches/b-orphan.batch"), "partial");
        Files.writeString(dir.resolve("state.json.mut"), "{");
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            assertThat(dir.resolve("checkpoints/0000-interrupted")).doesNotExist();
            assertThat(dir.resolve("batches/b-orphan.batch")).doesNotExist();
            assertThat(dir.resolve("state.json.mut")).doesNotExist();
            assertThat(st.readLatest().orElseThrow().record().uuid()).isEqualTo(committed.uuid());
        }
    }

    @Test
    void aCrashBetweenCatalogAndRootState_dropsTheUncommittedCatalogEntry() throws Exception {
        Circuit c = PROGRAM.newCircuit();
        CheckpointRecord first;
        byte[] rootAfterFirst;
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            first = st.writeCheckpoint(stateAfter(c, 0, 10), COUNTERS, "fp");
            rootAfterFirst = Files.readAllBytes(dir.resolve("state.json"));
            st.writeCheckpoint(stateAfter(c, 10, 20), COUNTERS, "fp");
        }
        // As if the process died after the catalog write but before the root state.json rename.
        Files.write(dir.resolve("state.json"), rootAfterFirst);
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            assertThat(st.catalog()).extracting(CheckpointRecord::uuid).containsExactly(first.uuid());
            assertThat(st.readLatest().orElseThrow().record().uuid()).isEqualTo(first.uuid());
            try (Stream<Path> dirs = Files.list(dir.resolve("checkpoints"))) {
                assertThat(dirs.map(d -> d.getFileName().toString())).containsExactly(first.uuid());
            }
        }
    }

    /** Issue 3: a crash during the very first checkpoint, before the catalog existed, made the directory unusable. */
    @Test
    void aCrashDuringTheFirstCheckpoint_leavesADirectoryThatStartsEmpty() throws Exception {
        StorageDirectory.open(dir, Duration.ofSeconds(1)).close();
        // As if the process died while writing its first checkpoint: directory and batch file, no commit.
        Files.createDirectories(dir.resolve("checkpoints/0000-interrupted"));
        Files.writeString(dir.resolve("checkpoints/0000-interrupted/circuit.manifest.mut"), "partial");
        Files.writeString(dir.resolve("batches/b-orphan.batch"), "partial");
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            assertThat(st.readLatest()).isEmpty();
            assertThat(dir.resolve("checkpoints/0000-interrupted")).doesNotExist();
            assertThat(dir.resolve("batches/b-orphan.batch")).doesNotExist();
            Circuit c = PROGRAM.newCircuit();
            CheckpointRecord r = st.writeCheckpoint(stateAfter(c, 0, 10), COUNTERS, "fp");
            assertThat(st.readLatest().orElseThrow().record()).isEqualTo(r);
        }
    }

    @Test
    void checkpointDirectoriesWithoutACatalog_refuseToStart() throws Exception {
        Files.createDirectories(dir.resolve("checkpoints/some-uuid"));
        assertThatThrownBy(() -> StorageDirectory.open(dir, Duration.ofSeconds(1)))
                .isInstanceOf(SluiceException.class).hasMessageContaining("no catalog");
        assertThat(dir.resolve("checkpoints/some-uuid")).exists();
    }

    @Test
    void aMissingBatchFile_failsTheRestoreLoudly() throws Exception {
        Circuit c = PROGRAM.newCircuit();
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            CheckpointRecord r = st.writeCheckpoint(stateAfter(c, 0, 10), COUNTERS, "fp");
            Files.delete(dir.resolve("batches").resolve(r.batches().get(0)));
            assertThatThrownBy(st::readLatest).hasMessageContaining("which is missing");
        }
    }

    @Test
    void theLock_keepsASecondOpenerOut() throws Exception {
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> StorageDirectory.open(dir, Duration.ofMillis(300)))
                    .isInstanceOf(SluiceException.class).hasMessageContaining("is locked by process " + ProcessHandle.current().pid());
        }
        StorageDirectory.open(dir, Duration.ofSeconds(1)).close();
    }

    @Test
    void statusFile_roundTrips() throws Exception {
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            assertThat(st.readStatus()).isEmpty();
            st.writeStatus(new StorageDirectory.StatusFile(DesiredStatus.Suspended, "d1"));
            assertThat(st.readStatus()).contains(new StorageDirectory.StatusFile(DesiredStatus.Suspended, "d1"));
        }
    }
}
