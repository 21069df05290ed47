package io.sluice.pipeline.it;

import static io.sluice.pipeline.it.CleanShutdownIT.PROGRAM;
import static io.sluice.pipeline.it.CleanShutdownIT.committedCheckpoint;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matrix of issue 4: clean shutdown on/off × the pipeline's state when the kubelet terminates
 * it × a grace period long enough or too short (SIGKILL right after SIGTERM). For each case: the
 * exit code, whether a new checkpoint was committed, and what the next start restores.
 *
 * <p>Every case but Standby starts from a committed checkpoint C1 holding four orders, then (where
 * the pipeline runs) ingests a fifth, acknowledged, order; "everything" means C1 plus that order.
 * A standby starts on an empty volume, as on a new node: a suspended pipeline may only resume
 * Paused or Running.
 */
class TerminationMatrixIT {
    private static final Duration LONG_GRACE = Duration.ofSeconds(60);
    private static final Duration NO_GRACE = Duration.ZERO;
    private static final String EXTRA = "{\"insert\": {\"order_id\": 50, \"customer_id\": 2, \"amount\": 5}}";

    @TempDir
    Path dir;

    enum State { RUNNING, PAUSED, SUSPENDED, STANDBY, INITIALIZING }

    static List<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (boolean clean : new boolean[] {true, false}) {
            for (State state : State.values()) {
                for (boolean longGrace : new boolean[] {true, false}) {
                    all.add(Arguments.of(clean, state, longGrace));
                }
            }
        }
        return all;
    }

    @ParameterizedTest(name = "clean={0} state={1} longGrace={2}")
    @MethodSource("cases")
    void terminate(boolean clean, State state, boolean longGrace) throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, clean);
        Duration grace = longGrace ? LONG_GRACE : NO_GRACE;
        if (state == State.STANDBY) {
            standbyOnEmptyStorage(options, grace);
            return;
        }
        List<String> c1State = prepareCheckpoint(options);
        String c1 = committedCheckpoint(options).orElseThrow();
        List<String> everything = c1State;
        Kubelet.Termination t;
        PipelineProcess.Options next = options.withDeploymentId(UUID.randomUUID().toString());
        if (state == State.INITIALIZING) {
            t = terminateWhileInitializing(next, grace);
        } else {
            try (PipelineProcess p = PipelineProcess.start(next.withInitial(state == State.PAUSED ? "paused" : "running"))) {
                p.awaitStatus(state == State.PAUSED ? "Paused" : "Running", Duration.ofSeconds(60));
                assertThat(p.post("/ingress/orders?format=json&force=true", EXTRA).statusCode()).isEqualTo(200);
                everything = allOrders(p, 5);
                if (state == State.SUSPENDED) {
                    assertThat(p.post("/suspend", "").statusCode()).isEqualTo(202);
                    p.awaitStatus("Suspended", Duration.ofSeconds(30));
                }
                t = Kubelet.terminate(p, grace);
            }
        }

        assertThat(t.exitCode()).as("exit code").isEqualTo(t.killed() ? 137 : 0);
        Optional<String> after = committedCheckpoint(options);
        List<String> restored = restoredOrders(options);
        if (state == State.SUSPENDED || (clean && !t.killed())) {
            // Committed by the earlier POST /suspend, or by the SIGTERM.
            assertThat(after).as("a new checkpoint").isPresent().isNotEqualTo(Optional.of(c1));
            assertThat(restored).as("everything acknowledged is restored").isEqualTo(everything);
        } else if (clean) {
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
     * Holds the storage lock, as a previous pod still shutting down would, so the new process waits
     * in initialization, and terminates it there. With clean shutdown on, the suspend waits for
     * initialization; the lock is released after the signal so initialization can finish.
     */
    private static Kubelet.Termination terminateWhileInitializing(PipelineProcess.Options next, Duration grace)
            throws Exception {
        try (RandomAccessFile lockFile = new RandomAccessFile(next.storage().resolve("sluice.pidlock").toFile(), "rw");
                FileLock held = lockFile.getChannel().lock();
                PipelineProcess p = PipelineProcess.start(next)) {
            p.awaitStatus("Initializing", Duration.ofSeconds(30));
            if (grace.isZero()) {
                return Kubelet.terminate(p, grace);
            }
            p.signal("TERM");
            Thread.sleep(500);
            if (next.cleanShutdown()) {
                assertThat(p.isAlive()).as("waits for initialization before suspending").isTrue();
                assertThat(p.log()).contains("received SIGTERM; suspending before shutdown");
            }
            held.release();
            return new Kubelet.Termination(p.awaitExit(LONG_GRACE), false);
        }
    }

    /**
     * A standby holds nothing of its own: SIGTERM refuses the suspend (clean on) or just drains
     * (clean off), and exits 0 with no checkpoint.
     */
    private static void standbyOnEmptyStorage(PipelineProcess.Options options, Duration grace) throws Exception {
        try (PipelineProcess p = PipelineProcess.start(options.withInitial("standby"))) {
            p.awaitStatus("Standby", Duration.ofSeconds(60));
            assertThat(p.post("/ingress/orders?format=json", EXTRA).statusCode()).as("no ingress in standby").isEqualTo(503);
            HttpResponse<String> suspend = p.post("/suspend", "");
            assertThat(suspend.statusCode()).isEqualTo(400);
            assertThat(suspend.body()).contains("\"error_code\":\"InvalidTransition\"").contains("[\"suspend\",\"Standby\"]");
            Kubelet.Termination t = Kubelet.terminate(p, grace);
            assertThat(t.exitCode()).as("exit code; log:\n%s", p.log()).isEqualTo(t.killed() ? 137 : 0);
            if (options.cleanShutdown() && !t.killed()) {
                assertThat(p.log()).contains("cannot suspend on signal (Cannot execute suspend transition starting from Standby)");
            }
        }
        assertThat(committedCheckpoint(options)).isEmpty();
    }

    /** Seeds the pipeline and commits checkpoint C1 by a clean suspend; returns its orders. */
    private static List<String> prepareCheckpoint(PipelineProcess.Options options) throws Exception {
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
