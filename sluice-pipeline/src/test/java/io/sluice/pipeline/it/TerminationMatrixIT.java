package io.sluice.pipeline.it;

import static io.sluice.pipeline.it.CleanShutdownIT.PROGRAM;
import static io.sluice.pipeline.it.CleanShutdownIT.committedCheckpoint;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matrix of issue 4: clean shutdown on/off × the pipeline's state when the kubelet terminates
 * it × a grace period long enough or too short. For each case: the exit code, whether a new
 * checkpoint was committed, and what the next start restores.
 *
 * <p>Every case starts from a committed checkpoint C1 holding the "seed" records, then ingests
 * one more order (acknowledged), then terminates. "Everything" below means C1 plus that order.
 */
class TerminationMatrixIT {
    private static final Duration LONG_GRACE = Duration.ofSeconds(60);
    private static final Duration NO_GRACE = Duration.ZERO;
    private static final String EXTRA = "{\"insert\": {\"order_id\": 50, \"customer_id\": 2, \"amount\": 5}}";

    @TempDir
    Path dir;

    enum State { RUNNING, PAUSED, SUSPENDED, STANDBY, INITIALIZING }

    static List<Arguments> cases() {
        return List.of(
                Arguments.of(true, State.RUNNING, true),
                Arguments.of(true, State.RUNNING, false),
                Arguments.of(true, State.PAUSED, true),
                Arguments.of(true, State.SUSPENDED, true),
                Arguments.of(true, State.STANDBY, true),
                Arguments.of(true, State.INITIALIZING, true),
                Arguments.of(false, State.RUNNING, true),
                Arguments.of(false, State.RUNNING, false),
                Arguments.of(false, State.PAUSED, true),
                Arguments.of(false, State.STANDBY, true));
    }

    @ParameterizedTest(name = "clean={0} state={1} longGrace={2}")
    @MethodSource("cases")
    void terminate(boolean clean, State state, boolean longGrace) throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, clean);
        if (state == State.STANDBY) {
            standbyOnEmptyStorage(options);
            return;
        }
        List<String> c1State = prepareCheckpoint(options);
        String c1 = committedCheckpoint(options).orElseThrow();
        List<String> everything;
        Kubelet.Termination t;
        PipelineProcess.Options next = options.withDeploymentId(UUID.randomUUID().toString());
        switch (state) {
            case RUNNING, PAUSED, SUSPENDED -> {
                try (PipelineProcess p = PipelineProcess.start(next.withInitial(state == State.PAUSED ? "paused" : "running"))) {
                    p.awaitStatus(state == State.PAUSED ? "Paused" : "Running", Duration.ofSeconds(60));
                    assertThat(p.post("/ingress/orders?format=json&force=true", EXTRA).statusCode()).isEqualTo(200);
                    everything = allOrders(p, 5);
                    if (state == State.SUSPENDED) {
                        assertThat(p.post("/suspend", "").statusCode()).isEqualTo(202);
                        p.awaitStatus("Suspended", Duration.ofSeconds(30));
                    }
                    t = Kubelet.terminate(p, longGrace ? LONG_GRACE : NO_GRACE);
                }
            }
            case INITIALIZING -> {
                // Hold the storage lock, as a previous pod still shutting down would: the new process
                // waits in initialization. SIGTERM it there, then release the lock.
                try (RandomAccessFile lockFile = new RandomAccessFile(options.storage().resolve("sluice.pidlock").toFile(), "rw");
                        FileLock held = lockFile.getChannel().lock();
                        PipelineProcess p = PipelineProcess.start(next)) {
                    p.awaitStatus("Initializing", Duration.ofSeconds(30));
                    Thread.sleep(300);
                    p.signal("TERM");
                    Thread.sleep(500);
                    assertThat(p.isAlive()).as("waits for initialization before suspending").isTrue();
                    held.release();
                    t = new Kubelet.Termination(p.awaitExit(LONG_GRACE), false);
                    assertThat(p.log()).contains("received SIGTERM; suspending before shutdown");
                    everything = c1State;
                }
            }
            default -> throw new IllegalStateException();
        }

        Optional<String> after = committedCheckpoint(options);
        if (t.killed()) {
            assertThat(t.exitCode()).as("SIGKILL").isEqualTo(137);
        } else {
            assertThat(t.exitCode()).as("exit code").isZero();
        }
        boolean expectNewCheckpoint = clean && !t.killed();
        List<String> restored = restoredOrders(options);
        if (expectNewCheckpoint) {
            assertThat(after).isPresent().isNotEqualTo(Optional.of(c1));
            assertThat(restored).as("everything acknowledged is restored").isEqualTo(everything);
        } else if (t.killed()) {
            // Too short a grace: the checkpoint may or may not have committed before SIGKILL, but the
            // restart restores exactly one committed state, never a mix.
            assertThat(restored).isIn(c1State, everything);
            if (after.equals(Optional.of(c1))) {
                assertThat(restored).isEqualTo(c1State);
            }
        } else {
            assertThat(after).as("no new checkpoint").contains(c1);
            assertThat(restored).isEqualTo(c1State);
        }
    }

    /**
     * A standby starts on an empty volume (a suspended pipeline may only resume Paused or Running):
     * SIGTERM refuses the suspend, since a standby holds nothing of its own, and exits 0 with no
     * checkpoint, whether clean shutdown is on or off.
     */
    private static void standbyOnEmptyStorage(PipelineProcess.Options options) throws Exception {
        try (PipelineProcess p = PipelineProcess.start(options.withInitial("standby"))) {
            p.awaitStatus("Standby", Duration.ofSeconds(60));
            assertThat(p.post("/ingress/orders?format=json", EXTRA).statusCode()).as("no ingress in standby").isEqualTo(503);
            var suspend = p.post("/suspend", "");
            assertThat(suspend.statusCode()).isEqualTo(400);
            assertThat(suspend.body()).contains("\"error_code\":\"InvalidTransition\"").contains("[\"suspend\",\"Standby\"]");
            Kubelet.Termination t = Kubelet.terminate(p, LONG_GRACE);
            assertThat(t.killed()).isFalse();
            assertThat(t.exitCode()).as("exit code; log:\n%s", p.log()).isZero();
            if (options.cleanShutdown()) {
                assertThat(p.log()).contains("cannot suspend on signal (Cannot execute suspend transition starting from Standby)");
            }
        }
        assertThat(committedCheckpoint(options)).isEmpty();
    }

    /** Seeds the pipeline and commits checkpoint C1 by a clean suspend; returns its orders. */
    private List<String> prepareCheckpoint(PipelineProcess.Options options) throws Exception {
        try (PipelineProcess p = PipelineProcess.start(options.withCleanShutdown(true))) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            p.ingestJson("customers", "{\"insert\": {\"id\": 1, \"region\": \"EU\"}} {\"insert\": {\"id\": 2, \"region\": \"US\"}}");
            p.ingestJson("orders", "{\"insert\": {\"order_id\": 1, \"customer_id\": 1, \"amount\": 10}}"
                    + "{\"insert\": {\"order_id\": 2, \"customer_id\": 1, \"amount\": 20}}"
                    + "{\"insert\": {\"order_id\": 3, \"customer_id\": 2, \"amount\": 30}}"
                    + "{\"insert\": {\"order_id\": 4, \"customer_id\": 2, \"amount\": 40}}");
            List<String> orders = allOrders(p, 4);
            assertThat(p.post("/suspend", "").statusCode()).isEqualTo(202);
            p.awaitStatus("Suspended", Duration.ofSeconds(30));
            p.signal("TERM");
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
            return orders;
        }
    }

    private static List<String> allOrders(PipelineProcess p, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> rows = p.query("SELECT order_id, amount FROM orders");
        while (rows.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            rows = p.query("SELECT order_id, amount FROM orders");
        }
        assertThat(rows).hasSize(expected);
        return rows;
    }

    private static List<String> restoredOrders(PipelineProcess.Options options) throws Exception {
        Files.deleteIfExists(options.workDir().resolve("port"));
        try (PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString())
                .withInitial("paused"))) {
            p.awaitStatus("Paused", Duration.ofSeconds(60));
            List<String> rows = p.query("SELECT order_id, amount FROM orders");
            p.signal("KILL");
            p.awaitExit(Duration.ofSeconds(30));
            return rows;
        }
    }
}
