package io.sluice.pipeline.controller;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.circuit.Circuit;
import io.sluice.pipeline.api.DesiredStatus;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.config.PipelineConfig;
import io.sluice.pipeline.connector.Connectors;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import io.sluice.sql.CompiledProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-level state of one pipeline: the desired status (what was asked), the phase (what
 * the server side is doing), and the controller once initialization has built it.
 *
 * <p>Thread safety: desired status, phase, controller and error change together under {@code lock},
 * so readers never see an inconsistent pair. Nothing blocking runs under the lock.
 * Initialization runs on its own thread ({@code pipeline-init}); HTTP handlers and signal handlers
 * call in from theirs.
 *
 * <p>Suspend is one path for {@code POST /suspend} and SIGTERM: the desired status becomes
 * Suspended at once, ingress closes (every record acknowledged before is in the final checkpoint),
 * the suspend waits for initialization if it is still running, then the controller checkpoints and
 * stops. Repeated calls share the first one's outcome.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private final PipelineConfig config;
    private final CompiledProgram program;
    private final String deploymentId;
    private final String programFingerprint;
    private final UUID incarnation = UUID.randomUUID();
    private final IngressGate gate = new IngressGate();
    private final CheckpointTracker checkpoints = new CheckpointTracker();
    private final CompletableFuture<Controller> ready = new CompletableFuture<>();
    private final Object lock = new Object();
    private volatile ShutdownProgress shutdown;
    private volatile StorageDirectory storage;
    private volatile Controller lastController;
    private volatile String metadata = "";
    private volatile io.sluice.pipeline.sync.CheckpointSync sync;
    private volatile io.sluice.pipeline.connector.input.ClockInput clock;

    private DesiredStatus desired;
    /** What {@code status.json} holds: the user's intent, which a suspend by signal does not change. */
    private DesiredStatus intent;
    private boolean desiredSetByRequest;
    private Phase phase = Phase.INITIALIZING;
    private Controller controller;
    private SluiceException error;
    private CompletableFuture<SuspendOutcome> suspend;

    public Pipeline(PipelineConfig config, CompiledProgram program, DesiredStatus initial, String deploymentId) {
        this.config = requireNonNull(config, "config is null");
        this.program = requireNonNull(program, "program is null");
        this.desired = requireNonNull(initial, "initial is null");
        this.intent = initial;
        this.deploymentId = requireNonNull(deploymentId, "deploymentId is null");
        this.programFingerprint = sha256(program.programText());
        if (initial == DesiredStatus.Suspended) {
            throw new IllegalArgumentException("a pipeline cannot start Suspended");
        }
    }

    /** A consistent view of the state for {@code /status} and the gating of endpoints. */
    public record View(Phase phase, DesiredStatus desired, Optional<Controller> controller,
            Optional<SluiceException> error, Optional<ShutdownProgress> shutdown) {}

    public View view() {
        synchronized (lock) {
            return new View(phase, desired, Optional.ofNullable(controller), Optional.ofNullable(error),
                    Optional.ofNullable(shutdown));
        }
    }

    /** The {@code --metadata-file} contents, served verbatim by {@code GET /metadata}. */
    public String metadata() {
        return metadata;
    }

    public void setMetadata(String text) {
        metadata = requireNonNull(text, "text is null");
    }

    public String name() {
        return config.name();
    }

    /** The controller this process built, also after it stopped: for metrics that outlive it. */
    public Optional<Controller> lastController() {
        return Optional.ofNullable(lastController);
    }

    public CompiledProgram program() {
        return program;
    }

    public UUID incarnation() {
        return incarnation;
    }

    public IngressGate ingressGate() {
        return gate;
    }

    public CheckpointTracker checkpointTracker() {
        return checkpoints;
    }

    public Optional<StorageDirectory> storage() {
        return Optional.ofNullable(storage);
    }

    /** Checkpoint sync with the object store, once initialization has set it up ({@code storage.backend.config.sync}). */
    public Optional<io.sluice.pipeline.sync.CheckpointSync> sync() {
        return Optional.ofNullable(sync);
    }

    /** The clock endpoint {@code now}, once initialized, when the program uses NOW(). */
    public Optional<io.sluice.pipeline.connector.input.ClockInput> clock() {
        return Optional.ofNullable(clock);
    }

    public PipelineConfig config() {
        return config;
    }

    public void reportShutdown(ShutdownProgress progress) {
        shutdown = progress;
    }

    /** The controller, or the error an endpoint that needs it answers with in the current phase. */
    public Controller controller() {
        synchronized (lock) {
            if (controller != null && phase == Phase.READY) {
                return controller;
            }
            throw unavailable();
        }
    }

    private SluiceException unavailable() {
        return switch (phase) {
            case INITIALIZING, STANDBY -> new SluiceException(ErrorCode.INITIALIZING, "The pipeline is initializing.");
            case INITIALIZATION_ERROR -> error;
            case FAILED -> error;
            case SUSPENDED -> new SluiceException(ErrorCode.SUSPENDED, "The pipeline has been suspended.");
            case READY -> new SluiceException(ErrorCode.TERMINATING, "The pipeline is terminating.");
        };
    }

    /** Starts initialization on its own thread; the HTTP server is already serving {@code /status}. */
    public void startInitialization() {
        Thread t = new Thread(this::initialize, "pipeline-init");
        t.setDaemon(true);
        t.start();
    }

    private void initialize() {
        try {
            Optional<StorageDirectory> st = Optional.empty();
            if (config.storagePath().isPresent()) {
                st = Optional.of(StorageDirectory.open(config.storagePath().get(), LOCK_WAIT));
                st.get().recordConfigInUse(configInUse());
                storage = st.get();
                chooseInitialStatus(st.get());
                if (config.sync().isPresent()) {
                    sync = new io.sluice.pipeline.sync.CheckpointSync(config.sync().get(), st.get(), config.name(),
                            incarnation.toString(), deploymentId);
                    io.sluice.pipeline.sync.SyncStartup.prepare(this, st.get(), sync);
                }
            }
            Connectors connectors = Connectors.create(config, program);
            Circuit circuit = program.newCircuit(config.workers());
            Controller.Counters counters = new Controller.Counters();
            Optional<CheckpointRecord> restoredRecord = Optional.empty();
            if (st.isPresent()) {
                Optional<StorageDirectory.Restored> restored = st.get().readLatest();
                if (restored.isPresent()) {
                    var r = restored.get();
                    restoredRecord = Optional.of(r.record());
                    if (!r.record().programFingerprint().equals(programFingerprint)) {
                        throw new SluiceException(ErrorCode.INITIALIZATION_ERROR, "the SQL program differs from the one"
                                + " checkpoint " + r.record().uuid() + " was taken with; changing the program of a pipeline"
                                + " with state is not supported yet (clear the storage directory to start afresh)");
                    }
                    circuit.restore(r.state());
                    counters = Controller.Counters.from(r.record().counters());
                    LOG.atInfo().addKeyValue("checkpoint", r.record().uuid()).addKeyValue("step", r.record().step())
                            .log("resuming from checkpoint");
                } else {
                    LOG.info("no checkpoint in {}; starting from empty state", st.get().path());
                }
            }
            awaitActivation();
            Controller c = new Controller(circuit, st, programFingerprint,
                    config.checkpointIntervalSecs().map(Duration::ofSeconds), counters);
            connectors.open(c, st, restoredRecord);
            clock = connectors.clock().orElse(null);
            c.terminated().whenComplete((v, e) -> {
                connectors.close();
                circuit.close();
            });
            c.stepOnce();
            synchronized (lock) {
                if (phase == Phase.INITIALIZATION_ERROR || phase == Phase.FAILED) {
                    return;
                }
                controller = c;
                lastController = c;
                phase = Phase.READY;
                c.start();
                if (desired == DesiredStatus.Running) {
                    c.resume();
                }
                connectors.start();
            }
            c.terminated().whenComplete((v, e) -> onControllerTerminated(c));
            LOG.info("pipeline initialized; desired status {}", view().desired());
            ready.complete(c);
        } catch (Throwable t) {
            SluiceException e = t instanceof SluiceException se && se.errorCode() != ErrorCode.INITIALIZATION_ERROR
                    ? new SluiceException(ErrorCode.INITIALIZATION_ERROR, se.getMessage(), Map.of("error", se.toResponse()), se)
                    : t instanceof SluiceException se ? se
                    : new SluiceException(ErrorCode.INITIALIZATION_ERROR, "initialization failed: " + t.getMessage(),
                            Map.of("error", String.valueOf(t)), t);
            LOG.error("initialization failed: {}", e.getMessage(), t);
            synchronized (lock) {
                phase = Phase.INITIALIZATION_ERROR;
                error = e;
            }
            ready.completeExceptionally(e);
        }
    }

    /** The configuration as a checkpoint records it, in Feldera's field names. */
    private Map<String, Object> configInUse() {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("name", config.name());
        c.put("workers", config.workers());
        c.put("storage_config", Map.of("path", config.storagePath().map(Object::toString).orElse("")));
        Map<String, Object> ft = new java.util.LinkedHashMap<>();
        ft.put("model", config.faultTolerance().configName());
        config.checkpointIntervalSecs().ifPresent(i -> ft.put("checkpoint_interval_secs", i));
        c.put("fault_tolerance", ft);
        c.put("inputs", config.inputs().stream().map(EndpointConfig::name).toList());
        c.put("outputs", config.outputs().stream().map(EndpointConfig::name).toList());
        c.put("program_code", config.programCode());
        return c;
    }

    /** Applies the {@code status.json} rules: the same deployment keeps its stored intent, a new one moves from it. */
    private void chooseInitialStatus(StorageDirectory st) throws IOException {
        Optional<StorageDirectory.StatusFile> stored = st.readStatus();
        synchronized (lock) {
            if (stored.isPresent() && !desiredSetByRequest) {
                DesiredStatus from = stored.get().desiredStatus();
                if (stored.get().deploymentId().equals(deploymentId)) {
                    if (from == DesiredStatus.Suspended) {
                        throw new SluiceException(ErrorCode.INITIALIZATION_ERROR, "this deployment was suspended; start"
                                + " a new deployment (another --deployment-id) to resume it",
                                Map.of("error", "InvalidInitialStatus"));
                    }
                    intent = from;
                } else if (!from.mayTransitionAtStartupTo(intent)) {
                    throw new SluiceException(ErrorCode.INITIALIZATION_ERROR, "cannot start " + intent
                            + " from stored status " + from, Map.of("error", "InvalidStartupTransition"));
                }
                if (suspend == null) {
                    desired = intent;
                }
            }
            persistDesired();
        }
    }

    /** The desired status now (read under the lock). */
    public DesiredStatus desired() {
        synchronized (lock) {
            return desired;
        }
    }

    /**
     * For the standby loop of checkpoint sync: enters {@link Phase#STANDBY} ({@code entering}) or
     * leaves it for {@link Phase#INITIALIZING}.
     */
    public void standbyPhase(boolean entering) {
        synchronized (lock) {
            if (entering && phase == Phase.INITIALIZING) {
                phase = Phase.STANDBY;
            } else if (!entering && phase == Phase.STANDBY) {
                phase = Phase.INITIALIZING;
            }
        }
    }

    /** A restart of a standby that was activated before: it starts Paused instead of waiting in standby again. */
    public void skipStandby() {
        synchronized (lock) {
            if (desired == DesiredStatus.Standby) {
                desired = DesiredStatus.Paused;
                intent = DesiredStatus.Paused;
                persistDesired();
            }
        }
    }

    private void awaitActivation() throws InterruptedException {
        synchronized (lock) {
            if (desired == DesiredStatus.Standby) {
                phase = Phase.STANDBY;
            }
        }
        while (true) {
            synchronized (lock) {
                if (desired != DesiredStatus.Standby) {
                    if (phase == Phase.STANDBY) {
                        phase = Phase.INITIALIZING;
                    }
                    return;
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private void onControllerTerminated(Controller c) {
        c.failure().ifPresent(t -> {
            synchronized (lock) {
                if (phase == Phase.READY) {
                    phase = Phase.FAILED;
                    error = new SluiceException(ErrorCode.DBSP_ERROR, "the circuit failed: " + t.getMessage(),
                            Map.of("error", String.valueOf(t)), t);
                }
            }
        });
    }

    /**
     * {@code /start}, {@code /pause} and {@code /activate}: checks the transition, records the new
     * desired status and tells the controller. Returns the 202 message.
     */
    public String transition(String action, DesiredStatus target, boolean activating) {
        synchronized (lock) {
            if (phase == Phase.INITIALIZATION_ERROR || phase == Phase.FAILED) {
                throw error;
            }
            DesiredStatus old = desired;
            if ((!activating && old == DesiredStatus.Standby) || !old.mayTransitionTo(target, activating)) {
                throw invalidTransition(action, old);
            }
            if (target != old) {
                desired = target;
                intent = target;
                desiredSetByRequest = true;
                persistDesired();
                if (controller != null && phase == Phase.READY) {
                    if (target == DesiredStatus.Running) {
                        controller.resume();
                    } else if (target == DesiredStatus.Paused) {
                        controller.pause();
                    }
                }
            }
            return "Pipeline transitioning from " + old + " to " + target;
        }
    }

    private static SluiceException invalidTransition(String action, DesiredStatus from) {
        return new SluiceException(ErrorCode.INVALID_TRANSITION,
                "Cannot execute " + action + " transition starting from " + from, List.of(action, from.name()));
    }

    /** Who asked for a suspend. */
    public enum SuspendOrigin {
        /** {@code POST /suspend}: the user's intent, stored in {@code status.json}. */
        REQUEST,
        /**
         * A signal from the infrastructure (SIGTERM): the user's intent is unchanged, so the pod that
         * replaces this one, with the same deployment id, resumes from the final checkpoint.
         */
        SIGNAL
    }

    /**
     * Starts the suspend (once), or returns the one already under way or done. Throws InvalidTransition
     * from Standby. A failed pipeline has nothing consistent to save: the outcome is its error.
     */
    public CompletableFuture<SuspendOutcome> suspend(SuspendOrigin origin) {
        CompletableFuture<SuspendOutcome> outcome;
        synchronized (lock) {
            if (suspend != null) {
                return suspend;
            }
            if (desired == DesiredStatus.Standby) {
                throw invalidTransition("suspend", desired);
            }
            if (phase == Phase.FAILED || phase == Phase.INITIALIZATION_ERROR) {
                gate.close();
                return CompletableFuture.completedFuture(SuspendOutcome.failed(error.getMessage()));
            }
            desired = DesiredStatus.Suspended;
            if (origin == SuspendOrigin.REQUEST) {
                intent = DesiredStatus.Suspended;
                desiredSetByRequest = true;
                persistDesired();
            }
            suspend = new CompletableFuture<>();
            outcome = suspend;
        }
        LOG.info("suspending: ingress closed; checkpointing everything acknowledged so far");
        gate.close();
        ready.thenCompose(Controller::suspend).whenComplete((record, err) -> {
            SuspendOutcome result;
            synchronized (lock) {
                if (err == null) {
                    phase = Phase.SUSPENDED;
                    controller = null;
                    result = SuspendOutcome.succeeded(record);
                } else {
                    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                            ? err.getCause() : err;
                    if (phase == Phase.READY || phase == Phase.INITIALIZING) {
                        phase = Phase.FAILED;
                        error = new SluiceException(ErrorCode.SUSPEND_ERROR, "suspend failed: " + cause.getMessage(),
                                Map.of("error", String.valueOf(cause)), cause);
                        if (controller != null) {
                            controller.stop();
                        }
                    }
                    result = SuspendOutcome.failed(cause.getMessage());
                }
            }
            if (result.succeeded()) {
                LOG.atInfo().addKeyValue("checkpoint", record.uuid()).log("pipeline suspended");
                releaseStorage();
            } else {
                LOG.error("suspend failed: {}", result.error().orElse(""));
            }
            outcome.complete(result);
        });
        return outcome;
    }

    /** Stops without a checkpoint (SIGINT, or SIGTERM with clean shutdown off): ingress closes, the circuit thread ends. */
    public void stopWithoutCheckpoint(Duration wait) {
        gate.close();
        Controller c;
        synchronized (lock) {
            c = controller;
        }
        if (c != null) {
            c.stop();
            try {
                c.terminated().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("circuit thread did not stop within {} ms", wait.toMillis());
            }
        }
    }

    private void releaseStorage() {
        StorageDirectory st = storage;
        if (st != null) {
            try {
                st.close();
            } catch (IOException e) {
                LOG.warn("could not release the storage lock: {}", e.getMessage());
            }
        }
    }

    /** Rewrites {@code status.json}; called under the lock whenever the intent changes. */
    private void persistDesired() {
        StorageDirectory st = storage;
        if (st == null) {
            return;
        }
        try {
            st.writeStatus(new StorageDirectory.StatusFile(intent, deploymentId));
        } catch (IOException e) {
            LOG.error("could not write status.json: {}", e.getMessage());
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
