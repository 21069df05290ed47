package io.sluice.pipeline.shutdown;

import static java.util.Objects.requireNonNull;

import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.config.CleanShutdownSetting;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.controller.ShutdownProgress;
import io.sluice.pipeline.controller.SuspendOutcome;
import io.sluice.pipeline.server.PipelineServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What the process does on SIGTERM and SIGINT.
 *
 * <p>With clean shutdown on ({@code FELDERA_CLEAN_SHUTDOWN_ON_SIGTERM} truthy), Sluice replaces the
 * JVM's handling of both signals:
 * <ul>
 *   <li>SIGTERM runs the suspend of {@code POST /suspend} (ingress closes, the queued input is
 *   stepped, a final checkpoint is committed, the circuit stops), then drains HTTP and exits 0.
 *   Unlike {@code POST /suspend}, it leaves the stored desired status as it was: the infrastructure,
 *   not the user, stopped the pod, so its replacement (same deployment id) resumes by itself.
 *   If the suspend is refused because the pipeline is in Standby it exits 0 without a checkpoint (a
 *   standby holds nothing of its own); if the checkpoint fails it exits 1, so a supervisor can
 *   tell the resume point is older than the shutdown. With checkpoint sync configured, the final
 *   checkpoint is pushed to the object store before the HTTP drain ({@link FinalPush}); a failed
 *   push also exits 1, since the bucket's resume point is then older than the shutdown.</li>
 *   <li>SIGINT drains HTTP and exits 0 without a checkpoint; a second SIGINT exits at once.</li>
 * </ul>
 * With it off, only SIGTERM is handled (drain, exit 0, no checkpoint); SIGINT and every other signal
 * keep the JVM's default handling.
 *
 * <p>The JVM runs each signal's handler on a new thread, concurrently with any earlier one, so the
 * first signal claims the shutdown ({@link #claimed}) and later ones only log. The work runs on a
 * thread of its own ({@code shutdown}), never in a shutdown hook: {@code System.exit} from a hook
 * would block forever.
 */
public final class ShutdownCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownCoordinator.class);
    static final int EXIT_OK = 0;
    static final int EXIT_CHECKPOINT_FAILED = 1;
    static final int EXIT_SECOND_SIGINT = 130;

    private final Pipeline pipeline;
    private final PipelineServer server;
    private final boolean cleanOnTerm;
    private final AtomicReference<String> claimed = new AtomicReference<>();

    public ShutdownCoordinator(Pipeline pipeline, PipelineServer server, boolean cleanOnTerm) {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.server = requireNonNull(server, "server is null");
        this.cleanOnTerm = cleanOnTerm;
    }

    /** Installs the handlers; a handler that cannot be installed is logged, and the process runs on. */
    public void install() {
        install("TERM", this::onTerm);
        if (cleanOnTerm) {
            install("INT", this::onInt);
        }
    }

    private void install(String name, SignalHandler handler) {
        try {
            SignalHandler previous = Signal.handle(new Signal(name), handler);
            if (previous == SignalHandler.SIG_IGN) {
                // The JVM installs nothing for a signal its parent ignored (a background job of a
                // non-interactive shell ignores SIGINT), so the signal stays ignored.
                LOG.error("cannot handle SIG{}: the process was started with SIG{} ignored, so it stays ignored{}", name, name,
                        name.equals("TERM") ? "; shutdown on SIGTERM will not checkpoint"
                                : "; SIGINT will not stop the pipeline (SIGTERM still checkpoints)");
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.error("cannot handle SIG{} ({}); shutdown on SIG{} will not checkpoint", name, e.getMessage(), name);
            // Under -Xrs the JVM keeps its own handling, which exits without a checkpoint.
        }
    }

    private void onTerm(Signal signal) {
        String previous = claimed.compareAndExchange(null, "SIGTERM");
        if (previous != null) {
            LOG.info("received SIGTERM during a shutdown started by {}; ignoring it", previous);
            return;
        }
        if (cleanOnTerm) {
            runOnShutdownThread(this::suspendAndExit);
        } else {
            LOG.info("received SIGTERM; shutting down without checkpoint ({} is off)", CleanShutdownSetting.VARIABLE);
            runOnShutdownThread(() -> drainAndExit("SIGTERM", EXIT_OK, Instant.now()));
        }
    }

    private void onInt(Signal signal) {
        String previous = claimed.compareAndExchange(null, "SIGINT");
        if (previous != null) {
            LOG.warn("received SIGINT during a shutdown started by {}; exiting at once", previous);
            Runtime.getRuntime().halt(EXIT_SECOND_SIGINT);
            return;
        }
        LOG.info("received SIGINT; shutting down without checkpoint");
        runOnShutdownThread(() -> drainAndExit("SIGINT", EXIT_OK, Instant.now()));
    }

    private static void runOnShutdownThread(Runnable work) {
        Thread t = new Thread(work, "shutdown");
        t.setDaemon(false);
        t.start();
    }

    private void suspendAndExit() {
        Instant start = Instant.now();
        LOG.info("received SIGTERM; suspending before shutdown");
        pipeline.reportShutdown(new ShutdownProgress("SIGTERM", "checkpointing", start.toString()));
        int code = EXIT_OK;
        try {
            SuspendOutcome outcome = pipeline.suspend(Pipeline.SuspendOrigin.SIGNAL).get();
            if (outcome.succeeded()) {
                long checkpointMs = Duration.between(start, Instant.now()).toMillis();
                LOG.atInfo().addKeyValue("checkpoint", outcome.checkpoint().get().uuid())
                        .addKeyValue("checkpoint_ms", checkpointMs)
                        .log("final checkpoint committed");
                pipeline.reportShutdown(pipeline.view().shutdown().orElseThrow().withCheckpoint(checkpointMs));
                if (pipeline.sync().isPresent() && !FinalPush.push(pipeline, outcome.checkpoint().get().uuid())) {
                    code = EXIT_CHECKPOINT_FAILED;
                }
            } else {
                LOG.error("cannot suspend on signal ({}); shutting down without checkpoint", outcome.error().orElse("unknown"));
                code = EXIT_CHECKPOINT_FAILED;
            }
        } catch (SluiceException refused) {
            // Only Standby refuses a suspend: a standby has no state of its own to save.
            LOG.warn("cannot suspend on signal ({}); shutting down without checkpoint", refused.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = EXIT_CHECKPOINT_FAILED;
        } catch (ExecutionException e) {
            LOG.error("cannot suspend on signal ({}); shutting down without checkpoint", e.getCause().getMessage());
            code = EXIT_CHECKPOINT_FAILED;
        }
        drainAndExit("SIGTERM", code, start);
    }

    private void drainAndExit(String signal, int code, Instant start) {
        pipeline.reportShutdown(pipeline.view().shutdown().filter(s -> s.signal().equals(signal))
                .map(s -> s.withStage("draining")).orElseGet(() -> new ShutdownProgress(signal, "draining", start.toString())));
        pipeline.stopWithoutCheckpoint(Duration.ofSeconds(5));
        server.stopGracefully();
        LOG.atInfo().addKeyValue("signal", signal).addKeyValue("exit_code", code)
                .addKeyValue("shutdown_ms", Duration.between(start, Instant.now()).toMillis())
                .log("shutdown complete");
        System.exit(code);
    }
}
