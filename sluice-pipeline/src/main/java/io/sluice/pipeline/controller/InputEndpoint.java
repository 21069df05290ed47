package io.sluice.pipeline.controller;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One named source of input for a table: an HTTP ingress endpoint, or a connector of the
 * configuration. A connector registers it with {@link EndpointRegistry#addInput}, hands its records
 * to {@link Controller#push(InputEndpoint, java.util.List, long)}, holds back input while
 * {@link #isPaused()}, and reports its errors here; {@code /stats} and {@code /input_endpoints/{name}}
 * read the rest.
 *
 * <p>Thread safety: counters are atomics and the error lists synchronize; the connector's threads,
 * the circuit thread and HTTP handlers all use an endpoint at once.
 */
public final class InputEndpoint {
    private final long id;
    private final String name;
    private final String stream;
    private final AtomicLong totalRecords = new AtomicLong();
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong bufferedRecords = new AtomicLong();
    /** The input position after this endpoint's last records: a completion token for everything it ingested. */
    private final AtomicLong position = new AtomicLong();
    private final RecentErrors parseErrors = new RecentErrors("parse");
    private final RecentErrors transportErrors = new RecentErrors("transport");
    private volatile boolean paused;
    private volatile boolean endOfInput;
    private volatile String fatalError;
    /** The source position after the last record a completed step took (connector endpoints only). */
    private volatile com.fasterxml.jackson.databind.JsonNode resumePosition;
    /** Why this endpoint cannot resume after a restart, when it cannot. */
    private volatile String notResumable;

    InputEndpoint(long id, String name, String stream, boolean paused) {
        this.id = id;
        this.name = requireNonNull(name, "name is null");
        this.stream = requireNonNull(stream, "stream is null");
        this.paused = paused;
    }

    long id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The table it feeds. */
    public String stream() {
        return stream;
    }

    /** True while {@code /input_endpoints/{name}/pause} holds the endpoint's input back. */
    public boolean isPaused() {
        return paused;
    }

    public void setPaused(boolean paused) {
        this.paused = paused;
    }

    public long totalRecords() {
        return totalRecords.get();
    }

    public long totalBytes() {
        return totalBytes.get();
    }

    /** Records handed to the controller and not yet processed by a step. */
    public long bufferedRecords() {
        return bufferedRecords.get();
    }

    /** The input position that covers every record this endpoint handed over so far. */
    public long position() {
        return position.get();
    }

    public long parseErrorCount() {
        return parseErrors.count();
    }

    public long transportErrorCount() {
        return transportErrors.count();
    }

    public List<ConnectorError> recentParseErrors() {
        return parseErrors.recent();
    }

    public List<ConnectorError> recentTransportErrors() {
        return transportErrors.recent();
    }

    /** Counts {@code count} records that failed to parse; {@code messages} describe some of them. */
    public void recordParseErrors(long count, List<String> messages) {
        parseErrors.add(count, messages);
    }

    /** Counts one failure to read input (a broken connection, a failed fetch). */
    public void recordTransportError(String message) {
        transportErrors.add(1, List.of(message));
    }

    /** The connector has no more input, ever (a file read to its end). */
    public void markEndOfInput() {
        endOfInput = true;
    }

    public boolean endOfInput() {
        return endOfInput;
    }

    /** The connector stopped for good with this error. */
    public void fail(String error) {
        fatalError = requireNonNull(error, "error is null");
    }

    public Optional<String> fatalError() {
        return Optional.ofNullable(fatalError);
    }

    /**
     * The position to resume after, as the last completed step left it: what a checkpoint records
     * for this endpoint. Empty for endpoints that have no source position (HTTP ingress).
     */
    public Optional<com.fasterxml.jackson.databind.JsonNode> resumePosition() {
        return Optional.ofNullable(resumePosition);
    }

    /** Set by a connector when it starts: the position it resumes after (its start, or a checkpoint's). */
    public void initResumePosition(com.fasterxml.jackson.databind.JsonNode position) {
        resumePosition = requireNonNull(position, "position is null");
    }

    /** Called on the circuit thread once a step took this endpoint's records up to {@code position}. */
    void stepped(com.fasterxml.jackson.databind.JsonNode position) {
        resumePosition = position;
    }

    /** Marks the endpoint as one that cannot resume from a checkpoint; {@code /suspendable} says why. */
    public void markNotResumable(String reason) {
        notResumable = requireNonNull(reason, "reason is null");
    }

    public Optional<String> notResumable() {
        return Optional.ofNullable(notResumable);
    }

    /** Called by the controller as records are queued, under its input lock. */
    void queued(int records, long bytes, long positionAfter) {
        totalRecords.addAndGet(records);
        totalBytes.addAndGet(bytes);
        bufferedRecords.addAndGet(records);
        position.set(positionAfter);
    }

    /** Called on the circuit thread once a step took these records. */
    void processed(int records) {
        bufferedRecords.addAndGet(-records);
    }
}
