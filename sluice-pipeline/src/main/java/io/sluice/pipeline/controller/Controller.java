package io.sluice.pipeline.controller;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.format.Change;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the circuit of one pipeline.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>The <b>circuit thread</b> ({@code circuit}) owns the {@link Circuit}: it alone appends input,
 *   steps and captures state. Other threads reach it through {@link Command}s, each with a
 *   {@link CompletableFuture} reply, and hand it input through {@link #push}.</li>
 *   <li>The <b>checkpoint thread</b> ({@code checkpoint}) writes captured state to storage, one
 *   checkpoint at a time, while the circuit thread keeps stepping. Capture is cheap (batches are
 *   immutable), so the pipeline only stops for the capture.</li>
 *   <li>A step drains every queued input record. A checkpoint first runs a step for the records
 *   queued when it starts, so every record acknowledged before a checkpoint request is in it.
 *   Requests that arrive while a checkpoint is being written get a new checkpoint after it.</li>
 *   <li>Outputs are handed to subscribers at the end of each step, on the circuit thread, before any
 *   later capture: a checkpoint never holds a change its subscribers were not given.</li>
 *   <li>A <b>transaction</b> ({@link #startTransaction}) holds every record queued while it is open
 *   out of the steps; its commit runs them all in one step, so the outputs show the transaction as
 *   one change, and queries and checkpoints never see part of it. Checkpoints requested meanwhile
 *   wait for the commit; a suspend commits what the transaction holds first, so no acknowledged
 *   record is lost.</li>
 *   <li>Named {@link InputEndpoint}s and {@link OutputEndpoint}s live in the {@link EndpointRegistry}
 *   for as long as the controller.</li>
 * </ul>
 */
public final class Controller {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    private static final Duration IDLE_WAIT = Duration.ofMillis(100);

    private final Circuit circuit;
    private final Optional<StorageDirectory> storage;
    private final String programFingerprint;
    private final Optional<Duration> checkpointInterval;
    private final Counters counters;
    private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<PendingInput> input = new ConcurrentLinkedQueue<>();
    private final AtomicLong bufferedRecords = new AtomicLong();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Map<String, List<OutputSubscriber>> subscribers = new ConcurrentHashMap<>();
    private final ExecutorService checkpointWriter;
    private final Thread thread;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final EndpointRegistry endpoints = new EndpointRegistry();
    private final TimeSeries timeSeries;
    private final AtomicLong stepNanos = new AtomicLong();
    private volatile TransactionStatus transactionStatus = TransactionStatus.NoTransaction;
    private volatile long transactionId;
    private volatile long transactionStartedNanos;
    /** Checkpoint and suspend replies not completed yet, with their action, to fail when the circuit stops. */
    private final Map<CompletableFuture<CheckpointRecord>, String> outstanding = new ConcurrentHashMap<>();
    private volatile ControllerState state = ControllerState.Paused;
    private volatile Throwable failure;
    private volatile CheckpointStats lastCheckpoint;
    private volatile CheckpointFailure lastCheckpointFailure;
    private volatile Optional<String> checkpointInProgress = Optional.empty();

    // Circuit-thread state.
    private final List<CompletableFuture<CheckpointRecord>> pendingCheckpoints = new ArrayList<>();
    private CompletableFuture<CheckpointRecord> pendingSuspend;
    private boolean writing;
    private long lastCheckpointNanos = System.nanoTime();
    private long lastTransactionId;

    /** Cumulative record counters, restored from a checkpoint on resume. */
    public static final class Counters {
        final AtomicLong totalInputRecords = new AtomicLong();
        final AtomicLong totalInputBytes = new AtomicLong();
        final AtomicLong totalProcessedRecords = new AtomicLong();

        public static Counters from(CheckpointRecord.Counters c) {
            Counters counters = new Counters();
            counters.totalInputRecords.set(c.totalInputRecords());
            counters.totalInputBytes.set(c.totalInputBytes());
            counters.totalProcessedRecords.set(c.totalProcessedRecords());
            return counters;
        }

        public long totalInputRecords() {
            return totalInputRecords.get();
        }

        public long totalInputBytes() {
            return totalInputBytes.get();
        }

        public long totalProcessedRecords() {
            return totalProcessedRecords.get();
        }

        /**
         * The counters as a checkpoint captured right after a step records them. Every record queued
         * before that step is processed and in the state, so the input count at capture is the
         * processed count; reading {@code totalInputRecords} would also count records pushed since,
         * which the captured state does not hold. (Input bytes are not tracked per record, so they
         * may include those few.)
         */
        CheckpointRecord.Counters snapshotAtCapture() {
            long processed = totalProcessedRecords.get();
            return new CheckpointRecord.Counters(processed, totalInputBytes.get(), processed);
        }
    }

    /** Figures of the last checkpoint, for {@code /stats} and metrics. */
    public record CheckpointStats(String uuid, long step, Duration captureTime, Duration writeTime, long writtenBytes,
            long sizeBytes, String completedAt) {}

    /** The latest checkpoint write that failed, for {@code /stats}; kept after later successes. */
    public record CheckpointFailure(String error, String failedAt) {}

    /** Feldera's {@code transaction_status}. */
    public enum TransactionStatus {
        NoTransaction, TransactionInProgress, CommitInProgress
    }

    sealed interface Command permits Start, Pause, Checkpoint, Suspend, Stop, Wake, CheckpointDone, SubscribeWithSnapshot,
            StartTransaction, CommitTransaction {}

    record Start() implements Command {}

    record Pause() implements Command {}

    record Checkpoint(CompletableFuture<CheckpointRecord> reply) implements Command {}

    record Suspend(CompletableFuture<CheckpointRecord> reply) implements Command {}

    record Stop() implements Command {}

    record Wake() implements Command {}

    record SubscribeWithSnapshot(String view, OutputSubscriber subscriber) implements Command {}

    record StartTransaction(CompletableFuture<Long> reply) implements Command {}

    record CommitTransaction(CompletableFuture<Long> reply) implements Command {}

    /** {@code endpoint} is null for input pushed without one; {@code range} is null but for connector input. */
    private record PendingInput(String table, List<Change> changes, InputEndpoint endpoint, StepRange range) {}

    private volatile StepHook stepHook;

    public Controller(Circuit circuit, Optional<StorageDirectory> storage, String programFingerprint,
            Optional<Duration> checkpointInterval, Counters counters) {
        this.circuit = requireNonNull(circuit, "circuit is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.programFingerprint = requireNonNull(programFingerprint, "programFingerprint is null");
        this.checkpointInterval = requireNonNull(checkpointInterval, "checkpointInterval is null");
        this.counters = requireNonNull(counters, "counters is null");
        this.checkpointWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "checkpoint");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "circuit");
        this.thread.setDaemon(true);
        this.timeSeries = new TimeSeries(counters::totalProcessedRecords,
                () -> storage.flatMap(st -> st.catalog().stream().reduce((a, b) -> b)).map(CheckpointRecord::sizeBytes).orElse(0L));
        terminated.whenComplete((v, e) -> outstanding.forEach((reply, action) -> failStopped(reply, action)));
    }

    /** Runs one step over nothing, so materialized views are current before the pipeline is reported ready. */
    public void stepOnce() {
        if (thread.isAlive()) {
            throw new IllegalStateException("stepOnce is for before start()");
        }
        step();
    }

    public void start() {
        thread.start();
        timeSeries.start();
    }

    public EndpointRegistry endpoints() {
        return endpoints;
    }

    public TimeSeries timeSeries() {
        return timeSeries;
    }

    /** Time spent in steps so far. */
    public Duration stepTime() {
        return Duration.ofNanos(stepNanos.get());
    }

    public TransactionStatus transactionStatus() {
        return transactionStatus;
    }

    /** The id of the open (or committing) transaction, 0 when there is none. */
    public long transactionId() {
        return transactionStatus == TransactionStatus.NoTransaction ? 0 : transactionId;
    }

    /** How long the open transaction has been open; zero when there is none. */
    public Duration transactionAge() {
        return transactionStatus == TransactionStatus.NoTransaction ? Duration.ZERO
                : Duration.ofNanos(System.nanoTime() - transactionStartedNanos);
    }

    /**
     * Opens a transaction: records queued from now on wait for {@link #commitTransaction}. Records
     * queued before are first run through a step of their own. Completes with the transaction id, or
     * fails with 409 TransactionInProgress when one is open.
     */
    public CompletableFuture<Long> startTransaction() {
        return sendTransactionCommand(new StartTransaction(new CompletableFuture<>()), "start a transaction");
    }

    /**
     * Starts the commit of the open transaction: its records run in the next step. Completes with the
     * transaction id once the commit has begun (not when it is done), or fails with 400
     * NoTransactionInProgress.
     */
    public CompletableFuture<Long> commitTransaction() {
        return sendTransactionCommand(new CommitTransaction(new CompletableFuture<>()), "commit a transaction");
    }

    private CompletableFuture<Long> sendTransactionCommand(Command command, String action) {
        CompletableFuture<Long> reply = command instanceof StartTransaction s ? s.reply() : ((CommitTransaction) command).reply();
        commands.add(command);
        if (terminated.isDone()) {
            reply.completeExceptionally(new SluiceException(ErrorCode.TERMINATING, "cannot " + action + ": the circuit has stopped"));
        }
        return reply;
    }

    public ControllerState state() {
        return state;
    }

    public Counters counters() {
        return counters;
    }

    public long completedSteps() {
        return circuit.steps();
    }

    /** The contents of a materialized table or view after the last completed step; safe from any thread. */
    public Batch snapshot(String relation) {
        return circuit.snapshot(relation);
    }

    public long bufferedRecords() {
        return bufferedRecords.get();
    }

    public Optional<CheckpointStats> lastCheckpoint() {
        return Optional.ofNullable(lastCheckpoint);
    }

    /** The latest failed checkpoint write of this process, if any (periodic, requested or final). */
    public Optional<CheckpointFailure> lastCheckpointFailure() {
        return Optional.ofNullable(lastCheckpointFailure);
    }

    /** Start time of the checkpoint being written, if one is. */
    public Optional<String> checkpointInProgress() {
        return checkpointInProgress;
    }

    /** The error that stopped the circuit thread, if it failed. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Completes when the circuit thread has stopped, for whatever reason. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    public void resume() {
        commands.add(new Start());
    }

    public void pause() {
        commands.add(new Pause());
    }

    public CompletableFuture<CheckpointRecord> checkpoint() {
        return requestCheckpoint(Checkpoint::new, ErrorCode.CHECKPOINT_ERROR, "checkpoint");
    }

    /** Runs the input queued so far through a step, checkpoints, and stops the circuit thread. */
    public CompletableFuture<CheckpointRecord> suspend() {
        return requestCheckpoint(Suspend::new, ErrorCode.SUSPEND_ERROR, "suspend");
    }

    private CompletableFuture<CheckpointRecord> requestCheckpoint(
            java.util.function.Function<CompletableFuture<CheckpointRecord>, Command> command, ErrorCode onNoStorage,
            String action) {
        CompletableFuture<CheckpointRecord> reply = new CompletableFuture<>();
        if (storage.isEmpty()) {
            reply.completeExceptionally(new SluiceException(onNoStorage,
                    "cannot " + action + ": the pipeline has no storage configured, so it has nowhere to checkpoint"));
            return reply;
        }
        // A request that reaches a stopped circuit thread is never handled: fail it instead of letting it wait.
        // Tracked in a set rather than by a callback on terminated per request, which would keep every
        // reply (and its record) for the life of the process.
        outstanding.put(reply, action);
        reply.whenComplete((r, e) -> outstanding.remove(reply));
        commands.add(command.apply(reply));
        if (terminated.isDone()) {
            failStopped(reply, action);
        }
        return reply;
    }

    private void failStopped(CompletableFuture<CheckpointRecord> reply, String action) {
        reply.completeExceptionally(new SluiceException(ErrorCode.TERMINATING,
                "cannot " + action + ": the circuit has stopped" + failure().map(t -> " (" + t.getMessage() + ")").orElse("")));
    }

    /** Stops the circuit thread without a checkpoint. */
    public void stop() {
        commands.add(new Stop());
    }

    /**
     * Queues changes for the next step; the caller holds the ingress gate. Returns the input position
     * after them: once {@link Counters#totalProcessedRecords()} reaches it, these changes and every
     * change queued before them were processed and their outputs handed to the subscribers.
     */
    public long push(String table, List<Change> changes, long bytes) {
        return push(table, changes, bytes, null, null);
    }

    /** {@link #push(String, List, long)} for a named endpoint, whose counters and position it updates. */
    public long push(InputEndpoint endpoint, List<Change> changes, long bytes) {
        return push(endpoint.stream(), changes, bytes, endpoint, null);
    }

    /**
     * {@link #push(InputEndpoint, List, long)} for a connector: {@code range} says where the records
     * sit in its source. Once a step takes them, the endpoint's resume position becomes
     * {@code range.to()}, and a checkpoint records it. A connector pushes from one thread, in order.
     */
    public long push(InputEndpoint endpoint, List<Change> changes, long bytes, StepRange range) {
        return push(endpoint.stream(), changes, bytes, endpoint, requireNonNull(range, "range is null"));
    }

    /** Installs the hook called before each step's outputs are released (the input journal); before {@link #start}. */
    public void setStepHook(StepHook hook) {
        if (thread.isAlive()) {
            throw new IllegalStateException("the step hook is set before start()");
        }
        this.stepHook = requireNonNull(hook, "hook is null");
    }

    private long push(String table, List<Change> changes, long bytes, InputEndpoint endpoint, StepRange range) {
        counters.totalInputBytes.addAndGet(bytes);
        long position;
        // Queue order and position order must agree, so a position covers exactly a queue prefix.
        synchronized (input) {
            if (!changes.isEmpty() || range != null) {
                input.add(new PendingInput(table, changes, endpoint, range));
                bufferedRecords.addAndGet(changes.size());
            }
            position = counters.totalInputRecords.addAndGet(changes.size());
            if (endpoint != null) {
                endpoint.queued(changes.size(), bytes, position);
            }
        }
        if (!changes.isEmpty() && wakePending.compareAndSet(false, true)) {
            commands.add(new Wake());
        }
        return position;
    }

    /**
     * Subscribes to a materialized view and first hands the subscriber the view's whole contents
     * ({@link OutputSubscriber#onSnapshot}). Both happen on the circuit thread between two steps, so
     * the snapshot and the changes after it join without a gap or an overlap.
     */
    public void subscribeWithSnapshot(String view, OutputSubscriber subscriber) {
        commands.add(new SubscribeWithSnapshot(view, subscriber));
        // finish() completes terminated and then ends the subscriptions still queued, so one of the
        // two ends a subscription that a stopped circuit thread will never take.
        if (terminated.isDone()) {
            subscriber.onEnd();
        }
    }

    public void subscribe(String view, OutputSubscriber subscriber) {
        subscribers.computeIfAbsent(view, v -> new CopyOnWriteArrayList<>()).add(subscriber);
        if (state == ControllerState.Terminated) {
            subscriber.onEnd();
        }
    }

    public void unsubscribe(String view, OutputSubscriber subscriber) {
        List<OutputSubscriber> list = subscribers.get(view);
        if (list != null) {
            list.remove(subscriber);
        }
    }

    private void run() {
        try {
            while (true) {
                Command command = commands.poll(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                while (command != null) {
                    if (!handle(command)) {
                        finish(null);
                        return;
                    }
                    command = commands.poll();
                }
                if (transactionStatus == TransactionStatus.CommitInProgress) {
                    commit();
                } else if (bufferedRecords.get() > 0 && pendingSuspend == null
                        && transactionStatus == TransactionStatus.NoTransaction) {
                    step();
                }
                schedulePeriodicCheckpoint();
                if (!writing && pendingSuspend != null) {
                    startSuspendCheckpoint();
                } else if (!writing && !pendingCheckpoints.isEmpty() && transactionStatus == TransactionStatus.NoTransaction) {
                    startCheckpoint(List.copyOf(pendingCheckpoints), false);
                    pendingCheckpoints.clear();
                }
            }
        } catch (Throwable t) {
            LOG.error("circuit thread failed; the pipeline stops", t);
            failure = t;
            finish(t);
        }
    }

    /** Applies one command; false means leave the loop. */
    private boolean handle(Command command) {
        if (command instanceof Start) {
            state = ControllerState.Running;
        } else if (command instanceof Pause) {
            state = ControllerState.Paused;
        } else if (command instanceof Checkpoint c) {
            pendingCheckpoints.add(c.reply());
        } else if (command instanceof Suspend s) {
            if (pendingSuspend == null) {
                pendingSuspend = s.reply();
            } else {
                pendingSuspend.whenComplete((r, e) -> complete(s.reply(), r, e));
            }
        } else if (command instanceof Stop) {
            return false;
        } else if (command instanceof Wake) {
            wakePending.set(false);
        } else if (command instanceof SubscribeWithSnapshot s) {
            s.subscriber().onSnapshot(circuit.snapshot(s.view()));
            subscribe(s.view(), s.subscriber());
        } else if (command instanceof CheckpointDone done) {
            return checkpointDone(done);
        } else if (command instanceof StartTransaction t) {
            openTransaction(t.reply());
        } else if (command instanceof CommitTransaction t) {
            if (transactionStatus != TransactionStatus.TransactionInProgress) {
                t.reply().completeExceptionally(new SluiceException(ErrorCode.NO_TRANSACTION_IN_PROGRESS,
                        "There is no transaction in progress to commit.", null));
            } else {
                transactionStatus = TransactionStatus.CommitInProgress;
                t.reply().complete(transactionId);
            }
        }
        return true;
    }

    private void openTransaction(CompletableFuture<Long> reply) {
        if (transactionStatus != TransactionStatus.NoTransaction) {
            reply.completeExceptionally(new SluiceException(ErrorCode.TRANSACTION_IN_PROGRESS, "Transaction "
                    + transactionId + " is already in progress; commit it before starting another.",
                    Map.of("transaction_id", transactionId)));
            return;
        }
        if (pendingSuspend != null) {
            reply.completeExceptionally(new SluiceException(ErrorCode.SUSPENDING, "The pipeline is suspending."));
            return;
        }
        if (bufferedRecords.get() > 0) {
            step();
        }
        transactionId = ++lastTransactionId;
        transactionStartedNanos = System.nanoTime();
        transactionStatus = TransactionStatus.TransactionInProgress;
        LOG.atInfo().addKeyValue("transaction_id", transactionId).log("transaction started");
        reply.complete(transactionId);
    }

    /** Runs the transaction's records in one step and closes it. */
    private void commit() {
        if (bufferedRecords.get() > 0) {
            step();
        }
        LOG.atInfo().addKeyValue("transaction_id", transactionId)
                .addKeyValue("msecs", transactionAge().toMillis()).log("transaction committed");
        transactionStatus = TransactionStatus.NoTransaction;
    }

    /** Publishes a finished checkpoint write; false when it was the final one of a suspend. */
    private boolean checkpointDone(CheckpointDone done) {
        writing = false;
        checkpointInProgress = Optional.empty();
        lastCheckpointNanos = System.nanoTime();
        if (done.thenTerminate()) {
            state = ControllerState.Terminated;
            endSubscriptions();
            pendingSuspend = null;
        }
        for (CompletableFuture<CheckpointRecord> reply : done.replies()) {
            complete(reply, done.record(), done.error());
        }
        return !done.thenTerminate();
    }

    private static <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
        if (error != null) {
            future.completeExceptionally(error);
        } else {
            future.complete(value);
        }
    }

    private void schedulePeriodicCheckpoint() {
        if (checkpointInterval.isEmpty() || storage.isEmpty() || writing || !pendingCheckpoints.isEmpty()
                || transactionStatus != TransactionStatus.NoTransaction) {
            return;
        }
        if (System.nanoTime() - lastCheckpointNanos >= checkpointInterval.get().toNanos()) {
            CompletableFuture<CheckpointRecord> periodic = new CompletableFuture<>();
            periodic.whenComplete((r, e) -> {
                if (e != null) {
                    LOG.warn("periodic checkpoint failed: {}", e.getMessage());
                }
            });
            pendingCheckpoints.add(periodic);
        }
    }

    /** Runs one step over the queued input and hands each view's change to its subscribers. */
    private void step() {
        long started = System.nanoTime();
        long records = 0;
        List<PendingInput> taken = new ArrayList<>();
        PendingInput pending;
        while ((pending = input.poll()) != null) {
            for (Change c : pending.changes()) {
                if (c.isUpdate()) {
                    circuit.update(pending.table(), c.row(), c.updated());
                } else {
                    circuit.append(pending.table(), c.row(), c.weight());
                }
            }
            records += pending.changes().size();
            if (pending.endpoint() != null) {
                taken.add(pending);
            }
        }
        Map<String, Batch> outputs = circuit.step();
        bufferedRecords.addAndGet(-records);
        long step = circuit.steps();
        List<StepInput> connectorInput = connectorInput(taken);
        if (stepHook != null && !connectorInput.isEmpty()) {
            try {
                stepHook.beforeRelease(step, connectorInput);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot journal step " + step, e);
            }
        }
        for (Map.Entry<String, Batch> out : outputs.entrySet()) {
            if (out.getValue().isEmpty()) {
                continue;
            }
            List<OutputSubscriber> list = subscribers.get(out.getKey());
            if (list != null) {
                for (OutputSubscriber s : list) {
                    s.onDelta(step, out.getValue());
                }
            }
        }
        // Only now: a completion token is complete once its outputs were handed over.
        long processed = counters.totalProcessedRecords.addAndGet(records);
        for (PendingInput p : taken) {
            p.endpoint().processed(p.changes().size());
        }
        for (StepInput in : connectorInput) {
            in.endpoint().stepped(in.range().to());
        }
        for (OutputEndpoint o : endpoints.outputs()) {
            o.stepHandedOver(step, processed);
        }
        stepNanos.addAndGet(System.nanoTime() - started);
    }

    /** Groups a step's connector pushes by endpoint, in order, with the range they span. */
    private static List<StepInput> connectorInput(List<PendingInput> taken) {
        Map<InputEndpoint, List<PendingInput>> byEndpoint = new java.util.LinkedHashMap<>();
        for (PendingInput p : taken) {
            if (p.range() != null) {
                byEndpoint.computeIfAbsent(p.endpoint(), e -> new ArrayList<>()).add(p);
            }
        }
        List<StepInput> result = new ArrayList<>();
        for (Map.Entry<InputEndpoint, List<PendingInput>> e : byEndpoint.entrySet()) {
            List<PendingInput> pushes = e.getValue();
            List<Change> changes = new ArrayList<>();
            pushes.forEach(p -> changes.addAll(p.changes()));
            result.add(new StepInput(e.getKey(), changes,
                    new StepRange(pushes.get(0).range().from(), pushes.get(pushes.size() - 1).range().to())));
        }
        return result;
    }

    /** The resume position of every connector endpoint, as the state just captured holds them. */
    private Map<String, com.fasterxml.jackson.databind.JsonNode> inputPositions() {
        Map<String, com.fasterxml.jackson.databind.JsonNode> positions = new java.util.TreeMap<>();
        for (InputEndpoint e : endpoints.inputs()) {
            e.resumePosition().ifPresent(p -> positions.put(e.name(), p));
        }
        return positions;
    }

    private void startCheckpoint(List<CompletableFuture<CheckpointRecord>> replies, boolean thenTerminate) {
        if (bufferedRecords.get() > 0) {
            step();
        }
        long captureStart = System.nanoTime();
        CircuitState captured = circuit.capture();
        CheckpointRecord.Counters counterSnapshot = counters.snapshotAtCapture();
        Map<String, com.fasterxml.jackson.databind.JsonNode> positions = inputPositions();
        Duration captureTime = Duration.ofNanos(System.nanoTime() - captureStart);
        writing = true;
        checkpointInProgress = Optional.of(java.time.Instant.now().toString());
        checkpointWriter.execute(() -> {
            long writeStart = System.nanoTime();
            try {
                CheckpointRecord record = storage.orElseThrow().writeCheckpoint(captured, counterSnapshot, programFingerprint,
                        positions);
                StepHook hook = stepHook;
                if (hook != null) {
                    hook.checkpointCommitted(record.step());
                }
                Duration writeTime = Duration.ofNanos(System.nanoTime() - writeStart);
                lastCheckpoint = new CheckpointStats(record.uuid(), record.step(), captureTime, writeTime,
                        record.writtenBytes(), record.sizeBytes(), java.time.Instant.now().toString());
                LOG.atInfo().addKeyValue("checkpoint", record.uuid()).addKeyValue("step", record.step())
                        .addKeyValue("written_bytes", record.writtenBytes())
                        .addKeyValue("capture_ms", captureTime.toMillis()).addKeyValue("write_ms", writeTime.toMillis())
                        .log("checkpoint committed");
                commands.add(new CheckpointDone(replies, record, null, thenTerminate));
            } catch (Throwable t) {
                LOG.error("checkpoint failed; the previous checkpoint stays the resume point", t);
                lastCheckpointFailure = new CheckpointFailure(t.getMessage() != null ? t.getMessage() : t.toString(),
                        java.time.Instant.now().toString());
                commands.add(new CheckpointDone(replies, null, t, thenTerminate));
            }
        });
    }

    private void startSuspendCheckpoint() {
        if (transactionStatus != TransactionStatus.NoTransaction) {
            // The final checkpoint must hold every acknowledged record: commit what the transaction has.
            LOG.atWarn().addKeyValue("transaction_id", transactionId).log("suspending: committing the open transaction");
            commit();
        }
        CompletableFuture<CheckpointRecord> reply = pendingSuspend;
        List<CompletableFuture<CheckpointRecord>> replies = new ArrayList<>(pendingCheckpoints);
        pendingCheckpoints.clear();
        replies.add(reply);
        startCheckpoint(replies, true);
    }

    private void finish(Throwable error) {
        state = ControllerState.Terminated;
        checkpointWriter.shutdown();
        timeSeries.stop();
        SluiceException stopped = new SluiceException(ErrorCode.TERMINATING, "the pipeline stopped before this request completed");
        for (CompletableFuture<CheckpointRecord> f : pendingCheckpoints) {
            f.completeExceptionally(error != null ? error : stopped);
        }
        if (pendingSuspend != null && !pendingSuspend.isDone()) {
            pendingSuspend.completeExceptionally(error != null ? error : stopped);
        }
        endSubscriptions();
        terminated.complete(null);
        Command left;
        while ((left = commands.poll()) != null) {
            if (left instanceof SubscribeWithSnapshot s) {
                s.subscriber().onEnd();
            } else if (left instanceof StartTransaction t) {
                t.reply().completeExceptionally(stopped);
            } else if (left instanceof CommitTransaction t) {
                t.reply().completeExceptionally(stopped);
            }
        }
    }

    private void endSubscriptions() {
        for (List<OutputSubscriber> list : subscribers.values()) {
            for (OutputSubscriber s : list) {
                s.onEnd();
            }
        }
    }

    /** Sent by the checkpoint thread to the circuit thread when a write finished. */
    private record CheckpointDone(List<CompletableFuture<CheckpointRecord>> replies, CheckpointRecord record,
            Throwable error, boolean thenTerminate) implements Command {}
}
