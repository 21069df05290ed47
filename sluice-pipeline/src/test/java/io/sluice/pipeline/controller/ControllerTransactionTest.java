package io.sluice.pipeline.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.format.Change;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerTransactionTest {
    private static final CompiledProgram PROGRAM = SqlCompiler.compile("""
            CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
            CREATE MATERIALIZED VIEW v AS SELECT k FROM t;
            """);

    @TempDir
    Path dir;

    /** Records the deltas of view v. */
    private static final class Recorder implements OutputSubscriber {
        final List<Batch> deltas = new CopyOnWriteArrayList<>();

        @Override
        public void onSnapshot(Batch contents) {}

        @Override
        public void onDelta(long step, Batch delta) {
            deltas.add(delta);
        }

        @Override
        public void onEnd() {}
    }

    private static List<Change> rows(long... keys) {
        return java.util.Arrays.stream(keys).mapToObj(k -> new Change(Row.of(k), 1)).toList();
    }

    /** A round trip through the circuit thread: when it returns, the loop iteration that saw earlier commands is over. */
    private static void roundTrip(Controller c) throws Exception {
        CompletableFuture<Long> refused = c.startTransaction();
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SluiceException.class);
        CompletableFuture<Long> again = c.startTransaction();
        assertThatThrownBy(() -> again.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SluiceException.class);
    }

    private static void awaitProcessed(Controller c, long position) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.counters().totalProcessedRecords() < position) {
            assertThat(System.nanoTime()).as("processed %s of %s", c.counters().totalProcessedRecords(), position)
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void recordsOfATransaction_areHeldUntilCommit_thenRunAsOneStep() throws Exception {
        Controller c = new Controller(PROGRAM.newCircuit(), Optional.empty(), "fp", Optional.empty(), new Controller.Counters());
        Recorder recorder = new Recorder();
        c.subscribe("v", recorder);
        c.start();
        c.resume();
        long before = c.push("t", rows(1), 0);
        assertThat(c.startTransaction().get(30, TimeUnit.SECONDS)).isEqualTo(1L);
        // Records queued before the transaction were run in a step of their own.
        assertThat(c.counters().totalProcessedRecords()).isEqualTo(before);
        assertThat(recorder.deltas).hasSize(1);
        long steps = c.completedSteps();

        c.push("t", rows(2, 3), 0);
        long last = c.push("t", rows(4), 0);
        roundTrip(c);
        assertThat(c.counters().totalProcessedRecords()).isEqualTo(before);
        assertThat(c.snapshot("v").size()).isEqualTo(1);
        assertThat(c.transactionStatus()).isEqualTo(Controller.TransactionStatus.TransactionInProgress);

        assertThat(c.commitTransaction().get(30, TimeUnit.SECONDS)).isEqualTo(1L);
        awaitProcessed(c, last);
        assertThat(c.completedSteps()).isEqualTo(steps + 1);
        assertThat(recorder.deltas).hasSize(2);
        assertThat(recorder.deltas.get(1).size()).isEqualTo(3);
        assertThat(c.snapshot("v").size()).isEqualTo(4);

        CompletableFuture<Long> commitAgain = c.commitTransaction();
        assertThatThrownBy(() -> commitAgain.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(SluiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_TRANSACTION_IN_PROGRESS));
        assertThat(c.startTransaction().get(30, TimeUnit.SECONDS)).isEqualTo(2L);
        CompletableFuture<Long> second = c.startTransaction();
        assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TRANSACTION_IN_PROGRESS));
        c.stop();
        c.terminated().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aCheckpointRequestedDuringATransaction_waitsForTheCommit_andHoldsTheWholeTransaction() throws Exception {
        try (StorageDirectory storage = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Controller c = new Controller(PROGRAM.newCircuit(), Optional.of(storage), "fp", Optional.empty(),
                    new Controller.Counters());
            c.start();
            c.startTransaction().get(30, TimeUnit.SECONDS);
            long last = c.push("t", rows(1, 2), 0);
            CompletableFuture<CheckpointRecord> checkpoint = c.checkpoint();
            roundTrip(c);
            assertThat(checkpoint).isNotDone();
            c.commitTransaction().get(30, TimeUnit.SECONDS);
            CheckpointRecord record = checkpoint.get(30, TimeUnit.SECONDS);
            assertThat(record.counters().totalProcessedRecords()).isEqualTo(last);
            c.stop();
            c.terminated().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSuspendDuringATransaction_commitsItSoNoAcknowledgedRecordIsLost() throws Exception {
        try (StorageDirectory storage = StorageDirectory.open(dir, Duration.ofSeconds(1))) {
            Controller c = new Controller(PROGRAM.newCircuit(), Optional.of(storage), "fp", Optional.empty(),
                    new Controller.Counters());
            c.start();
            c.startTransaction().get(30, TimeUnit.SECONDS);
            long last = c.push("t", rows(1, 2, 3), 0);
            CheckpointRecord record = c.suspend().get(30, TimeUnit.SECONDS);
            assertThat(record.counters().totalProcessedRecords()).isEqualTo(last);
            assertThat(c.snapshot("v").size()).isEqualTo(3);
            c.terminated().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void namedEndpoints_countTheirRecordsAndCarryTheirPosition() throws Exception {
        Controller c = new Controller(PROGRAM.newCircuit(), Optional.empty(), "fp", Optional.empty(), new Controller.Counters());
        InputEndpoint in = c.endpoints().inputFor("t.api-ingress-1", "t");
        assertThat(c.endpoints().inputFor("t.api-ingress-1", "t")).isSameAs(in);
        OutputEndpoint out = c.endpoints().addOutput("v.api-x", "v");
        c.push("t", rows(9), 0);
        long position = c.push(in, rows(1, 2), 17);
        assertThat(in.position()).isEqualTo(position).isEqualTo(3);
        assertThat(in.totalRecords()).isEqualTo(2);
        assertThat(in.totalBytes()).isEqualTo(17);
        assertThat(in.bufferedRecords()).isEqualTo(2);
        c.start();
        awaitProcessed(c, position);
        assertThat(in.bufferedRecords()).isZero();
        assertThat(out.processedInputRecords()).isEqualTo(3);
        assertThat(out.processedSteps()).isEqualTo(c.completedSteps());
        assertThatThrownBy(() -> c.endpoints().requireInput("nope")).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_INPUT_ENDPOINT));
        assertThatThrownBy(() -> c.endpoints().addOutput("v.api-x", "v")).isInstanceOf(SluiceException.class);
        c.endpoints().removeOutput(out);
        assertThat(c.endpoints().outputs()).isEmpty();
        c.stop();
        c.terminated().get(30, TimeUnit.SECONDS);
    }

    @Test
    void recentErrors_areBounded_andKeepTheLatest() {
        RecentErrors errors = new RecentErrors("parse");
        for (int i = 1; i <= 50; i++) {
            errors.add(1, List.of("error " + i));
        }
        errors.add(1000, List.of("a", "b"));
        assertThat(errors.count()).isEqualTo(1050);
        assertThat(errors.recent()).hasSize(RecentErrors.KEPT);
        assertThat(errors.recent().get(RecentErrors.KEPT - 1).message()).isEqualTo("b");
        assertThat(errors.recent().get(RecentErrors.KEPT - 1).index()).isEqualTo(52);
        assertThat(errors.recent().get(0).message()).isEqualTo("error 33");
    }
}
