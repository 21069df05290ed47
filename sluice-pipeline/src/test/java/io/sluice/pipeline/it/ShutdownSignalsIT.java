package io.sluice.pipeline.it;

import static io.sluice.pipeline.it.CleanShutdownIT.PROGRAM;
import static io.sluice.pipeline.it.CleanShutdownIT.committedCheckpoint;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of a signal shutdown that need it to last: a second signal arriving during it, a
 * request in flight while HTTP drains, and {@code /status} and {@code /metrics} while it runs.
 * An ingress request whose body is sent slowly keeps the drain open for as long as the test wants;
 * a storage lock held by the test keeps the pipeline initializing, so the suspend waits.
 */
class ShutdownSignalsIT {
    private static final String ROW = "{\"insert\": {\"order_id\": 1, \"customer_id\": 1, \"amount\": 1}}";

    @TempDir
    Path dir;

    /** Starts a POST whose body is announced but not sent yet; the server is left reading it. */
    private static Socket startSlowIngress(PipelineProcess p, int contentLength) throws Exception {
        Socket s = new Socket("127.0.0.1", p.port());
        OutputStream out = s.getOutputStream();
        out.write(("POST /ingress/orders?format=json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /**
     * Waits until the server handles the slow request: its HTTP ingress endpoint appears in
     * {@code /stats} when the handler starts, before it reads the body. A fixed sleep raced with
     * a loaded machine, where the headers could reach the handler only after the SIGTERM.
     */
    private static void awaitIngressInFlight(PipelineProcess p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!p.get("/stats").body().contains("orders.api-ingress-")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the slow ingress request never reached its handler: " + p.get("/stats").body());
            }
            Thread.sleep(20);
        }
    }

    private static String statusLine(Socket s) throws Exception {
        s.setSoTimeout(20_000);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void aSecondSigtermIsIgnored_andARequestInFlightCompletesDuringTheDrain() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true);
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            byte[] body = ROW.getBytes(StandardCharsets.US_ASCII);
            try (Socket slow = startSlowIngress(p, body.length)) {
                awaitIngressInFlight(p);
                p.signal("TERM");
                awaitLog(p, "final checkpoint committed");
                p.signal("TERM");
                awaitLog(p, "received SIGTERM during a shutdown started by SIGTERM; ignoring it");
                Thread.sleep(300);
                assertThat(p.isAlive()).as("still draining the request in flight").isTrue();
                slow.getOutputStream().write(body);
                slow.getOutputStream().flush();
                assertThat(statusLine(slow)).as("the request in flight gets an answer, not a cut").isEqualTo("HTTP/1.1 503 Service Unavailable");
            }
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(committedCheckpoint(options)).isPresent();
    }

    @Test
    void aSecondSigintDuringAShutdown_exitsAtOnceWith130() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true);
        try (PipelineProcess p = PipelineProcess.start(options)) {
            p.awaitStatus("Running", Duration.ofSeconds(60));
            // Only once Running: during initialization ingress answers 503 at once and holds nothing.
            Socket slow = startSlowIngress(p, 10_000);
            awaitIngressInFlight(p);
            p.signal("INT");
            awaitLog(p, "received SIGINT; shutting down without checkpoint");
            Thread.sleep(300);
            assertThat(p.isAlive()).as("draining, held by the slow request").isTrue();
            long sent = System.nanoTime();
            p.signal("INT");
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(130);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("well before the 10 s drain budget").isLessThan(Duration.ofSeconds(5));
            assertThat(p.log()).contains("received SIGINT during a shutdown started by SIGINT; exiting at once");
            slow.close();
        }
        assertThat(committedCheckpoint(options)).isEmpty();
    }

    @Test
    void statusAndMetrics_reportAShutdownWhileItWaitsForInitialization() throws Exception {
        PipelineProcess.Options options = PipelineProcess.options(dir, PROGRAM, true);
        java.nio.file.Files.createDirectories(options.storage());
        try (RandomAccessFile lockFile = new RandomAccessFile(options.storage().resolve("sluice.pidlock").toFile(), "rw");
                FileLock held = lockFile.getChannel().lock();
                PipelineProcess p = PipelineProcess.start(options.withDeploymentId(UUID.randomUUID().toString()))) {
            p.awaitStatus("Initializing", Duration.ofSeconds(60));
            p.signal("TERM");
            awaitLog(p, "received SIGTERM; suspending before shutdown");
            String status = p.get("/status").body();
            assertThat(status).contains("\"runtime_status\":\"Initializing\"")
                    .contains("\"shutdown\":{\"signal\":\"SIGTERM\",\"stage\":\"checkpointing\"")
                    .contains("\"runtime_desired_status\":\"Suspended\"");
            String metrics = p.get("/metrics").body();
            assertThat(metrics).contains("shutdown_in_progress{pipeline=\"it\",signal=\"SIGTERM\",stage=\"checkpointing\"} 1.0")
                    .contains("shutdown_duration_seconds{pipeline=\"it\"}");
            assertThat(p.post("/ingress/orders?format=json", ROW).statusCode()).isEqualTo(503);
            held.release();
            assertThat(p.awaitExit(Duration.ofSeconds(60))).as("exit code; log:\n%s", p.log()).isZero();
        }
        assertThat(committedCheckpoint(options)).isPresent();
    }

    private static void awaitLog(PipelineProcess p, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!p.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("log never said '" + text + "':\n" + p.log());
            }
            Thread.sleep(20);
        }
    }
}
