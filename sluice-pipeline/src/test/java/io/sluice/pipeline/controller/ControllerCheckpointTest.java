package io.sluice.pipeline.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.format.Change;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint requests as the circuit thread serves them, against a real storage directory. */
class ControllerCheckpointTest {
    private static final CompiledProgram PROGRAM = SqlCompiler.compile("""
            CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, v BIGINT) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW s AS SELECT v, COUNT(*) AS c FROM t GROUP BY v;
            """);

    @TempDir
    Path dir;

    private static List<Change> rows(long from, long to) {
        List<Change> changes = new ArrayList<>();
        for (long k = from; k < to; k++) {
            changes.add(new Change(Row.of(k, k % 100), 1));
        }
        return changes;
    }

    private Controller start(StorageDirectory st, Optional<Duration> interval) {
        Controller c = new Controller(PROGRAM.newCircuit(), Optional.of(st), "fp", interval, new Controller.Counters());
        c.start();
        c.resume();
        return c;
    }

    @Test
    void aRequestArrivingWhileACheckpointIsWritten_getsANewCheckpointAfterIt() throws Exception {
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Controller c = start(st, Optional.empty());
            c.push("t", rows(0, 300_000), 0);
            var first = c.checkpoint();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.checkpointInProgress().isEmpty() && !first.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(first.isDone()).as("the first write was still running when observed").isFalse();
            c.push("t", rows(300_000, 300_010), 0);
            var second = c.checkpoint();
            CheckpointRecord a = first.get(30, TimeUnit.SECONDS);
            CheckpointRecord b = second.get(30, TimeUnit.SECONDS);
            assertThat(b.uuid()).isNotEqualTo(a.uuid());
            assertThat(b.createdAtMillis()).isGreaterThanOrEqualTo(a.createdAtMillis());
            assertThat(b.counters().totalProcessedRecords()).as("the second holds the records queued after the first began")
                    .isEqualTo(300_010);
            assertThat(a.counters().totalProcessedRecords()).isEqualTo(300_000);
            c.stop();
            c.terminated().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void periodicCheckpoints_areTakenWithoutRequests() throws Exception {
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Controller c = start(st, Optional.of(Duration.ofMillis(200)));
            c.push("t", rows(0, 10), 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (st.catalog().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(st.catalog()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(c.lastCheckpoint()).isPresent();
            c.stop();
            c.terminated().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void requestsToAStoppedCircuit_failInsteadOfWaiting() throws Exception {
        try (StorageDirectory st = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Controller c = start(st, Optional.empty());
            c.stop();
            c.terminated().get(10, TimeUnit.SECONDS);
            var late = c.suspend();
            assertThat(late).failsWithin(Duration.ofSeconds(5));
        }
    }
}
