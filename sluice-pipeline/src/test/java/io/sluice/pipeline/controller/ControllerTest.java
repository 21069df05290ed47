package io.sluice.pipeline.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerTest {
    private static final CompiledProgram PROGRAM = SqlCompiler.compile("""
            CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
            """);

    @TempDir
    Path dir;

    /** Issue 3: every checkpoint request left a callback on terminated that held its reply until the process ended. */
    @Test
    void completedCheckpointRequests_areNotRetainedUntilTheControllerStops() throws Exception {
        try (StorageDirectory storage = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Controller c = new Controller(PROGRAM.newCircuit(), Optional.of(storage), "fp", Optional.empty(),
                    new Controller.Counters());
            c.start();
            for (int i = 0; i < 20; i++) {
                c.checkpoint().get(30, TimeUnit.SECONDS);
            }
            assertThat(c.terminated().getNumberOfDependents()).isLessThanOrEqualTo(1);
            c.stop();
            c.terminated().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCheckpointRequestedAfterTheStop_failsInsteadOfWaiting() throws Exception {
        try (StorageDirectory storage = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Controller c = new Controller(PROGRAM.newCircuit(), Optional.of(storage), "fp", Optional.empty(),
                    new Controller.Counters());
            c.start();
            c.stop();
            c.terminated().get(30, TimeUnit.SECONDS);
            CompletableFuture<CheckpointRecord> reply = c.checkpoint();
            assertThatThrownBy(() -> reply.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SluiceException.class).hasMessageContaining("the circuit has stopped");
        }
    }
}
