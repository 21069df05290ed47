package io.sluice.pipeline.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What checkpoint sync has done, for {@code GET /checkpoint/sync_status}, {@code /stats} and
 * {@code /metrics}. Thread-safe.
 */
public final class SyncStatus {
    private String success;
    private String periodic;
    private Map<String, Object> failure;
    private int consecutiveFailures;
    private Map<String, Object> inProgress;
    private Map<String, Object> lastPush;
    private Map<String, Object> lastPull;
    private Map<String, Object> pullFailure;
    private Map<String, Object> owner;
    private String fenced;
    private long pushes;
    private long pushFailures;
    private long pulls;
    private long pullFailures;
    private double lastPushSeconds = Double.NaN;
    private long lastPushUploadedBytes = -1;
    private Map<String, Object> shutdownPush;
    private double shutdownPushSeconds = Double.NaN;

    synchronized void pushStarted(String uuid) {
        inProgress = new LinkedHashMap<>(Map.of("uuid", uuid, "started_at", Instant.now().toString()));
    }

    synchronized void pushSucceeded(CheckpointSync.PushResult r) {
        inProgress = null;
        success = r.uuid();
        if (r.trigger().equals("periodic")) {
            periodic = r.uuid();
        }
        consecutiveFailures = 0;
        pushes++;
        lastPushSeconds = r.duration().toNanos() / 1e9;
        lastPushUploadedBytes = r.uploadedBytes();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", r.uuid());
        m.put("trigger", r.trigger());
        m.put("uploaded_files", r.uploadedFiles());
        m.put("uploaded_bytes", r.uploadedBytes());
        m.put("skipped_files", r.skippedFiles());
        m.put("skipped_bytes", r.skippedBytes());
        m.put("duration_msecs", r.duration().toMillis());
        m.put("completed_at", r.completedAt());
        lastPush = m;
    }

    synchronized void pushFailed(String uuid, String error, Optional<Duration> retryIn) {
        inProgress = null;
        consecutiveFailures++;
        pushFailures++;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", uuid);
        m.put("error", error);
        m.put("failed_at", Instant.now().toString());
        m.put("retry_in_msecs", retryIn.map(Duration::toMillis).orElse(null));
        failure = m;
    }

    synchronized void pulled(CheckpointSync.PullResult r) {
        pulls++;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", r.uuid().orElse(null));
        m.put("source", r.source());
        m.put("downloaded_files", r.downloadedFiles());
        m.put("downloaded_bytes", r.downloadedBytes());
        m.put("duration_msecs", r.duration().toMillis());
        m.put("completed_at", r.completedAt());
        lastPull = m;
    }

    synchronized void pullFailed(String error) {
        pullFailures++;
        pullFailure = new LinkedHashMap<>(Map.of("error", error, "failed_at", Instant.now().toString()));
    }

    synchronized void claimed(RemoteLayout.Owner o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", o.owner());
        m.put("epoch", o.epoch());
        m.put("claimed_at", o.claimedAt());
        owner = m;
    }

    synchronized void fenced(String message) {
        fenced = message;
    }

    /** The final push of a shutdown by signal: how long it took and how it ended. */
    public synchronized void shutdownPush(String uuid, Duration took, Optional<String> error) {
        shutdownPushSeconds = took.toNanos() / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", uuid);
        m.put("duration_msecs", took.toMillis());
        m.put("error", error.orElse(null));
        shutdownPush = m;
    }

    synchronized String lastPushedUuid() {
        return success;
    }

    public synchronized long pushes() {
        return pushes;
    }

    public synchronized long pushFailures() {
        return pushFailures;
    }

    public synchronized long pulls() {
        return pulls;
    }

    public synchronized long pullFailures() {
        return pullFailures;
    }

    /** NaN until a push succeeded. */
    public synchronized double lastPushSeconds() {
        return lastPushSeconds;
    }

    /** -1 until a push succeeded. */
    public synchronized long lastPushUploadedBytes() {
        return lastPushUploadedBytes;
    }

    /** NaN unless a shutdown pushed. */
    public synchronized double shutdownPushSeconds() {
        return shutdownPushSeconds;
    }

    /** The JSON of {@code GET /checkpoint/sync_status}. */
    public synchronized Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", success);
        m.put("failure", failure);
        m.put("periodic", periodic);
        m.put("consecutive_failures", consecutiveFailures);
        m.put("in_progress", inProgress);
        m.put("last_push", lastPush);
        m.put("last_pull", lastPull);
        m.put("pull_failure", pullFailure);
        m.put("owner", owner);
        m.put("fenced", fenced);
        m.put("shutdown_push", shutdownPush);
        return m;
    }
}
