package io.sluice.pipeline.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What checkpoint sync needs from the storage directory: holds against retention, and committing a copied checkpoint. */
class SyncSupportTest {
    private static final CompiledProgram PROGRAM = SqlCompiler.compile(
            "CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, v BIGINT) WITH ('materialized' = 'true');");
    private static final CheckpointRecord.Counters COUNTERS = new CheckpointRecord.Counters(1, 2, 3);

    @TempDir
    Path dir;

    private static CircuitState stateAfter(Circuit c, int from, int to) {
        for (long i = from; i < to; i++) {
            c.append("t", io.sluice.engine.algebra.Row.of(i, i % 7), 1);
        }
        c.step();
        return c.capture();
    }

    @Test
    void aHeldCheckpoint_survivesRetentionUntilReleased() throws Exception {
        Circuit c = PROGRAM.newCircuit();
        try (StorageDirectory st = StorageDirectory.open(dir.resolve("a"), Duration.ofSeconds(1))) {
            CheckpointRecord first = st.writeCheckpoint(stateAfter(c, 0, 10), COUNTERS, "fp");
            st.hold(first.uuid());
            st.writeCheckpoint(stateAfter(c, 10, 20), COUNTERS, "fp");
            st.writeCheckpoint(stateAfter(c, 20, 30), COUNTERS, "fp");
            assertThat(st.find(first.uuid())).as("held: kept beyond the newest two").isPresent();
            for (String f : st.filesOf(first)) {
                assertThat(st.file(f)).exists();
            }
            st.release(first.uuid());
            st.writeCheckpoint(stateAfter(c, 30, 40), COUNTERS, "fp");
            assertThat(st.find(first.uuid())).isEmpty();
            assertThat(st.catalog()).hasSize(2);
        }
    }

    @Test
    void aCheckpointCopiedFileByFile_commitsAndRestoresInAnotherDirectory() throws Exception {
        Circuit c = PROGRAM.newCircuit();
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        CheckpointRecord r;
        try (StorageDirectory src = StorageDirectory.open(a, Duration.ofSeconds(1));
                StorageDirectory dst = StorageDirectory.open(b, Duration.ofSeconds(1))) {
            r = src.writeCheckpoint(stateAfter(c, 0, 100), COUNTERS, "fp");
            assertThatThrownBy(() -> dst.commitPulled(r.uuid())).hasMessageContaining("incomplete");
            for (String f : src.filesOf(r)) {
                dst.receive(f, temp -> Files.copy(src.file(f), temp));
            }
            assertThat(dst.commitPulled(r.uuid())).isEqualTo(r);
            assertThat(dst.latest().orElseThrow().uuid()).isEqualTo(r.uuid());
            Circuit fresh = PROGRAM.newCircuit();
            fresh.restore(dst.readLatest().orElseThrow().state());
            assertThat(fresh.snapshot("t").size()).isEqualTo(100);
            // A checkpoint taken after the copied one sorts after it, whatever the clocks.
            CheckpointRecord next = dst.writeCheckpoint(stateAfter(fresh, 100, 101), COUNTERS, "fp");
            assertThat(next.uuid()).isGreaterThan(r.uuid());
        }
        try (StorageDirectory reopened = StorageDirectory.open(b, Duration.ofSeconds(1))) {
            assertThat(reopened.catalog()).hasSize(2);
        }
        assertThatThrownBy(() -> new StorageDirectoryPaths().check()).isInstanceOf(IllegalArgumentException.class);
    }

    /** A path outside the checkpoint layout is refused. */
    private final class StorageDirectoryPaths {
        void check() throws Exception {
            try (StorageDirectory st = StorageDirectory.open(dir.resolve("c"), Duration.ofSeconds(1))) {
                st.file("../etc/passwd");
            }
        }
    }
}
