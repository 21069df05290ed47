package io.sluice.pipeline.controller;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One named consumer of a view's changes: an {@code /egress} stream, or later a file or Kafka
 * output. The controller tells it which step it is at; the sink counts what it queued, sent,
 * dropped and failed to encode or send.
 *
 * <p>Thread safety: counters are atomics and the error lists synchronize; the circuit thread and
 * the sink's own thread update it while HTTP handlers read it.
 */
public final class OutputEndpoint {
    private final long id;
    private final String name;
    private final String stream;
    private final AtomicLong transmittedRecords = new AtomicLong();
    private final AtomicLong transmittedBytes = new AtomicLong();
    private final AtomicLong queuedRecords = new AtomicLong();
    private final AtomicLong queuedBatches = new AtomicLong();
    private final AtomicLong droppedBatches = new AtomicLong();
    private final RecentErrors encodeErrors = new RecentErrors("encode");
    private final RecentErrors transportErrors = new RecentErrors("transport");
    private volatile long processedSteps;
    private volatile long processedInputRecords;
    private volatile String fatalError;

    OutputEndpoint(long id, String name, String stream) {
        this.id = id;
        this.name = requireNonNull(name, "name is null");
        this.stream = requireNonNull(stream, "stream is null");
    }

    long id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The view it reads. */
    public String stream() {
        return stream;
    }

    /** A batch of {@code records} was queued for sending. */
    public void batchQueued(long records) {
        queuedRecords.addAndGet(records);
        queuedBatches.incrementAndGet();
    }

    /** A queued batch of {@code records} left the queue (sent or not). */
    public void batchDequeued(long records) {
        queuedRecords.addAndGet(-records);
        queuedBatches.decrementAndGet();
    }

    /** A batch was dropped because the queue was full. */
    public void batchDropped() {
        droppedBatches.incrementAndGet();
    }

    public void transmitted(long records, long bytes) {
        transmittedRecords.addAndGet(records);
        transmittedBytes.addAndGet(bytes);
    }

    public void recordEncodeError(String message) {
        encodeErrors.add(1, List.of(message));
    }

    public void recordTransportError(String message) {
        transportErrors.add(1, List.of(message));
    }

    public void fail(String error) {
        fatalError = requireNonNull(error, "error is null");
    }

    /** Called on the circuit thread after each step, once the step's changes were handed over. */
    void stepHandedOver(long step, long processedRecords) {
        processedSteps = step;
        processedInputRecords = processedRecords;
    }

    public long transmittedRecords() {
        return transmittedRecords.get();
    }

    public long transmittedBytes() {
        return transmittedBytes.get();
    }

    public long queuedRecords() {
        return queuedRecords.get();
    }

    public long queuedBatches() {
        return queuedBatches.get();
    }

    public long droppedBatches() {
        return droppedBatches.get();
    }

    public long processedSteps() {
        return processedSteps;
    }

    public long processedInputRecords() {
        return processedInputRecords;
    }

    public long encodeErrorCount() {
        return encodeErrors.count();
    }

    public long transportErrorCount() {
        return transportErrors.count();
    }

    public List<ConnectorError> recentEncodeErrors() {
        return encodeErrors.recent();
    }

    public List<ConnectorError> recentTransportErrors() {
        return transportErrors.recent();
    }

    public Optional<String> fatalError() {
        return Optional.ofNullable(fatalError);
    }
}
