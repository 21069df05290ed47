package io.sluice.pipeline.sync;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.pipeline.config.SyncConfig;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint sync with an S3-compatible object store: push local checkpoints to the bucket, pull
 * one into the storage directory, and guard the bucket with an ownership record.
 *
 * <h2>Push</h2>
 * One push at a time, on the thread {@code checkpoint-sync}. A push uploads the batch files the
 * bucket does not hold yet (it lists {@code batches/} once), then the checkpoint's own files, and
 * last its manifest: a checkpoint is visible in the bucket only once all its files are there, so
 * a push cut at any point leaves the bucket's previous checkpoints as they were. The checkpoint
 * being pushed, or waiting to be, is held out of local retention. A failed push is reported
 * ({@link #status()}) and retried with a growing delay (1 s doubling to 30 s) until it succeeds or
 * a newer checkpoint replaces it; a push refused because another process owns the bucket is not
 * retried. After a push, remote retention deletes checkpoints beyond {@code retention_min_count}
 * that are older than {@code retention_min_age}: manifest first, then their files, then the batch
 * files no remaining checkpoint references.
 *
 * <h2>Pull</h2>
 * Picks a checkpoint in the bucket (the newest, ranked by ownership epoch then uuid, or a given
 * uuid), falling back to {@code read_bucket}; downloads the files the storage directory does not
 * hold, each under a temporary name, fsynced and renamed; then commits it in the storage directory
 * exactly like a local checkpoint. A pull cut at any point leaves the local checkpoint as it was.
 *
 * <h2>Ownership</h2>
 * {@code owner.json} names the process (incarnation uuid) that may push, with an epoch. An active
 * process claims it at start; an activated standby takes it over with the next epoch. Before
 * uploading and again before writing a manifest, a push checks that the record still names this
 * process; a process that finds another owner stops pushing for good ("fenced"). So two active
 * pipelines never both write the bucket for long, and a manifest a fenced process may still have
 * written ranks below the new owner's (lower epoch).
 */
public final class CheckpointSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final SyncConfig config;
    private final ObjectStore store;
    private final Optional<ObjectStore> readStore;
    private final StorageDirectory storage;
    private final String pipelineName;
    private final String ownerId;
    private final String deploymentId;
    private final Instant startedAt = Instant.now();
    private final SyncStatus status = new SyncStatus();
    private final Map<String, Map<String, RemoteLayout.Manifest>> manifestCache = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final Thread worker;

    // Under lock.
    private PushRequest pending;
    private long retryAtNanos;
    private Duration retryDelay = FIRST_RETRY;
    private long nextPeriodicNanos;
    private boolean closed;
    private RemoteLayout.Owner claim;
    private String fenced;

    /** Why a push or claim cannot go on, permanently: another pipeline or process owns the bucket. */
    public static final class OwnershipException extends IOException {
        private static final long serialVersionUID = 1L;

        OwnershipException(String message) {
            super(message);
        }
    }

    /** A requested push: the checkpoint, what asked for it, and who waits for the first attempt's outcome. */
    private record PushRequest(String uuid, String trigger, List<CompletableFuture<PushResult>> waiters) {}

    /** What one successful push did. */
    public record PushResult(String uuid, String trigger, int uploadedFiles, long uploadedBytes, int skippedFiles,
            long skippedBytes, Duration duration, String completedAt) {}

    /** What one pull did; {@code uuid} empty when the bucket had nothing to pull. */
    public record PullResult(Optional<String> uuid, String source, int downloadedFiles, long downloadedBytes,
            Duration duration, String completedAt) {}

    public CheckpointSync(SyncConfig config, StorageDirectory storage, String pipelineName, String ownerId,
            String deploymentId) {
        this.config = requireNonNull(config, "config is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.pipelineName = requireNonNull(pipelineName, "pipelineName is null");
        this.ownerId = requireNonNull(ownerId, "ownerId is null");
        this.deploymentId = requireNonNull(deploymentId, "deploymentId is null");
        this.store = ObjectStore.open(config);
        this.readStore = config.readBucket().map(store::sibling);
        this.worker = new Thread(this::run, "checkpoint-sync");
        this.worker.setDaemon(true);
    }

    public SyncConfig config() {
        return config;
    }

    public SyncStatus status() {
        return status;
    }

    /** Starts the push thread (and with {@code push_interval}, periodic pushes). */
    public void start() {
        synchronized (lock) {
            nextPeriodicNanos = System.nanoTime() + config.pushInterval().map(Duration::toNanos).orElse(0L);
        }
        worker.start();
    }

    // ------------------------------------------------------------------------------------------ push

    /**
     * Asks for a push of {@code uuid}, a committed local checkpoint. Returns at once; the future
     * completes with the outcome of the first attempt (a failed one is retried after that, without
     * the caller). A newer request replaces a pending older one, whose waiters then get the newer
     * push's outcome.
     */
    public CompletableFuture<PushResult> requestPush(String uuid, String trigger) {
        CompletableFuture<PushResult> f = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                f.completeExceptionally(new IOException("checkpoint sync is closed"));
                return f;
            }
            storage.hold(uuid);
            List<CompletableFuture<PushResult>> waiters = new ArrayList<>();
            if (pending != null) {
                waiters.addAll(pending.waiters());
                storage.release(pending.uuid());
            }
            waiters.add(f);
            pending = new PushRequest(uuid, trigger, waiters);
            retryAtNanos = System.nanoTime();
            retryDelay = FIRST_RETRY;
            lock.notifyAll();
        }
        return f;
    }

    private void run() {
        while (true) {
            PushRequest request;
            synchronized (lock) {
                while (true) {
                    if (closed) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (pending == null && config.pushInterval().isPresent() && now - nextPeriodicNanos >= 0) {
                        schedulePeriodic();
                        nextPeriodicNanos = now + config.pushInterval().get().toNanos();
                    }
                    if (pending != null && now - retryAtNanos >= 0) {
                        request = pending;
                        break;
                    }
                    long waitNanos = pending != null ? retryAtNanos - now
                            : config.pushInterval().isPresent() ? nextPeriodicNanos - now : TimeUnit.SECONDS.toNanos(60);
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1_000_000, waitNanos));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                status.pushStarted(request.uuid());
            }
            Optional<PushResult> result = Optional.empty();
            Exception error = null;
            try {
                result = Optional.of(push(request.uuid(), request.trigger()));
            } catch (Exception e) {
                error = e;
            }
            List<CompletableFuture<PushResult>> waiters;
            synchronized (lock) {
                waiters = new ArrayList<>(request.waiters());
                request.waiters().clear();
                boolean replaced = pending != request;
                if (result.isPresent()) {
                    status.pushSucceeded(result.get());
                    if (!replaced) {
                        pending = null;
                        storage.release(request.uuid());
                    }
                    config.pushInterval().ifPresent(i -> nextPeriodicNanos = System.nanoTime() + i.toNanos());
                } else {
                    String message = error.getMessage() != null ? error.getMessage() : error.toString();
                    boolean permanent = error instanceof OwnershipException;
                    status.pushFailed(request.uuid(), message, permanent ? Optional.empty() : Optional.of(retryDelay));
                    if (!replaced) {
                        if (permanent) {
                            pending = null;
                            storage.release(request.uuid());
                        } else {
                            retryAtNanos = System.nanoTime() + retryDelay.toNanos();
                            retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
                        }
                    }
                    LOG.atWarn().addKeyValue("checkpoint", request.uuid()).addKeyValue("trigger", request.trigger())
                            .log(permanent ? "checkpoint push refused: {}" : "checkpoint push failed, will retry: {}", message);
                }
            }
            for (CompletableFuture<PushResult> w : waiters) {
                if (result.isPresent()) {
                    w.complete(result.get());
                } else {
                    w.completeExceptionally(error);
                }
            }
        }
    }

    /** Under lock: queues the newest local checkpoint, unless it is the one pushed last. */
    private void schedulePeriodic() {
        Optional<CheckpointRecord> newest = storage.latest();
        if (newest.isEmpty() || newest.get().uuid().equals(status.lastPushedUuid())) {
            return;
        }
        storage.hold(newest.get().uuid());
        pending = new PushRequest(newest.get().uuid(), "periodic", new ArrayList<>());
        retryAtNanos = System.nanoTime();
        retryDelay = FIRST_RETRY;
    }

    private PushResult push(String uuid, String trigger) throws IOException {
        long start = System.nanoTime();
        verifyOwner();
        CheckpointRecord record = storage.find(uuid).orElseThrow(() -> new IOException(
                "checkpoint " + uuid + " is no longer in the local catalog"));
        int uploadedFiles = 0;
        int skippedFiles = 0;
        long uploadedBytes = 0;
        long skippedBytes = 0;
        List<RemoteLayout.RemoteFile> files = new ArrayList<>();
        Map<String, Long> remote = store.list(RemoteLayout.BATCHES);
        boolean alreadyThere = store.list(RemoteLayout.manifestKey(uuid)).containsKey(RemoteLayout.manifestKey(uuid));
        for (String path : storage.filesOf(record)) {
            long size = Files.size(storage.file(path));
            files.add(new RemoteLayout.RemoteFile(path, size));
            if (alreadyThere || (path.startsWith(RemoteLayout.BATCHES) && Long.valueOf(size).equals(remote.get(path)))) {
                skippedFiles++;
                skippedBytes += size;
                continue;
            }
            store.put(path, storage.file(path));
            uploadedFiles++;
            uploadedBytes += size;
        }
        if (!alreadyThere) {
            RemoteLayout.Owner owner = verifyOwner();
            RemoteLayout.Manifest manifest = new RemoteLayout.Manifest(uuid, record.step(), record.createdAtMillis(),
                    Instant.now().toString(), pipelineName, ownerId, owner.epoch(), files,
                    files.stream().mapToLong(RemoteLayout.RemoteFile::size).sum());
            byte[] bytes = JSON.writeValueAsBytes(manifest);
            store.put(RemoteLayout.manifestKey(uuid), bytes);
            uploadedFiles++;
            uploadedBytes += bytes.length;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.atInfo().addKeyValue("checkpoint", uuid).addKeyValue("trigger", trigger).addKeyValue("bucket", store.location())
                .addKeyValue("uploaded_files", uploadedFiles).addKeyValue("uploaded_bytes", uploadedBytes)
                .addKeyValue("skipped_files", skippedFiles).addKeyValue("push_ms", took.toMillis())
                .log("checkpoint pushed");
        try {
            applyRetention();
        } catch (IOException | RuntimeException e) {
            LOG.warn("checkpoint {} pushed, but remote retention failed (retried after the next push): {}", uuid, e.toString());
        }
        return new PushResult(uuid, trigger, uploadedFiles, uploadedBytes, skippedFiles, skippedBytes, took,
                Instant.now().toString());
    }

    private void applyRetention() throws IOException {
        List<RemoteLayout.Manifest> all = new ArrayList<>(manifests(store).values());
        all.sort(RemoteLayout.Manifest.RANK.reversed());
        long cutoff = System.currentTimeMillis() - config.retentionMinAge().toMillis();
        List<RemoteLayout.Manifest> kept = new ArrayList<>();
        List<RemoteLayout.Manifest> retired = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            RemoteLayout.Manifest m = all.get(i);
            (i < config.retentionMinCount() || m.createdAtMillis() >= cutoff ? kept : retired).add(m);
        }
        if (retired.isEmpty()) {
            return;
        }
        // Manifests first: from then on those checkpoints are invisible, so deleting their files is safe.
        store.delete(retired.stream().map(m -> RemoteLayout.manifestKey(m.uuid())).toList());
        retired.forEach(m -> manifestCache.getOrDefault(store.location().toString(), Map.of()).remove(m.uuid()));
        List<String> files = new ArrayList<>();
        for (RemoteLayout.Manifest m : retired) {
            files.addAll(store.list(RemoteLayout.CHECKPOINTS + m.uuid() + "/").keySet());
        }
        Set<String> live = new HashSet<>();
        kept.forEach(m -> m.files().forEach(f -> live.add(f.path())));
        for (String batch : store.list(RemoteLayout.BATCHES).keySet()) {
            if (!live.contains(batch)) {
                files.add(batch);
            }
        }
        if (!files.isEmpty()) {
            store.delete(files);
        }
        LOG.atInfo().addKeyValue("bucket", store.location()).addKeyValue("removed_checkpoints", retired.size())
                .addKeyValue("removed_files", files.size()).log("remote retention");
    }

    // ------------------------------------------------------------------------------------------ ownership

    /**
     * Claims the bucket for this process. {@code takeover} (an activated standby) claims it whoever
     * holds it; otherwise (a process starting active) a claim made by another process after this
     * one started wins, and this process is fenced. A bucket owned by another pipeline is refused.
     */
    public void claim(boolean takeover) throws IOException {
        claimOwner(takeover);
    }

    private RemoteLayout.Owner claimOwner(boolean takeover) throws IOException {
        synchronized (lock) {
            if (fenced != null) {
                throw new OwnershipException(fenced);
            }
        }
        Optional<RemoteLayout.Owner> existing = readOwner();
        long epoch = 1;
        if (existing.isPresent()) {
            RemoteLayout.Owner o = existing.get();
            if (!o.pipeline().equals(pipelineName)) {
                throw new OwnershipException("bucket " + store.location() + " belongs to pipeline '" + o.pipeline()
                        + "', not to '" + pipelineName + "'; give each pipeline its own bucket or prefix");
            }
            if (o.owner().equals(ownerId)) {
                synchronized (lock) {
                    claim = o;
                }
                return o;
            }
            if (!takeover && Instant.parse(o.claimedAt()).isAfter(startedAt)) {
                throw fence(o);
            }
            epoch = o.epoch() + 1;
        }
        RemoteLayout.Owner mine = new RemoteLayout.Owner(pipelineName, ownerId, epoch, Instant.now().toString(), deploymentId);
        store.put(RemoteLayout.OWNER, JSON.writeValueAsBytes(mine));
        RemoteLayout.Owner now = readOwner().orElseThrow(() -> new IOException("owner.json vanished right after it was written"));
        if (!now.owner().equals(ownerId)) {
            throw fence(now);
        }
        synchronized (lock) {
            claim = now;
        }
        status.claimed(now);
        LOG.atInfo().addKeyValue("bucket", store.location()).addKeyValue("epoch", now.epoch())
                .log(existing.isPresent() ? "took over the bucket" : "claimed the bucket");
        return now;
    }

    private OwnershipException fence(RemoteLayout.Owner other) {
        String message = "bucket " + store.location() + " was taken over by process " + other.owner() + " (epoch "
                + other.epoch() + ", deployment " + other.deploymentId() + ") at " + other.claimedAt()
                + "; this process no longer pushes to it";
        synchronized (lock) {
            fenced = message;
        }
        status.fenced(message);
        LOG.error(message);
        return new OwnershipException(message);
    }

    /** The claim still holds; claims first if this process could not claim at start. */
    private RemoteLayout.Owner verifyOwner() throws IOException {
        RemoteLayout.Owner mine;
        synchronized (lock) {
            if (fenced != null) {
                throw new OwnershipException(fenced);
            }
            mine = claim;
        }
        if (mine == null) {
            return claimOwner(false);
        }
        RemoteLayout.Owner now = readOwner().orElseThrow(() -> new OwnershipException("owner.json of bucket "
                + store.location() + " is gone; refusing to push without an ownership record"));
        if (!now.owner().equals(ownerId) || now.epoch() != mine.epoch()) {
            throw fence(now);
        }
        return now;
    }

    private Optional<RemoteLayout.Owner> readOwner() throws IOException {
        Optional<byte[]> bytes = store.get(RemoteLayout.OWNER);
        return bytes.isEmpty() ? Optional.empty() : Optional.of(JSON.readValue(bytes.get(), RemoteLayout.Owner.class));
    }

    // ------------------------------------------------------------------------------------------ pull

    /**
     * Pulls at start ({@code start_from_checkpoint}): a local directory that already holds the
     * wanted checkpoint, or a newer one that was never pushed, is left as it is.
     */
    public PullResult pullAtStart() throws IOException {
        String wanted = config.startFromCheckpoint().orElse(SyncConfig.LATEST);
        return pull(wanted.equals(SyncConfig.LATEST) ? Optional.empty() : Optional.of(wanted), true);
    }

    /** A standby's pull: the newest checkpoint in the bucket, unless the storage directory holds it already. */
    public PullResult pullLatest() throws IOException {
        return pull(Optional.empty(), false);
    }

    private PullResult pull(Optional<String> wanted, boolean keepNewerLocal) throws IOException {
        long start = System.nanoTime();
        try {
            PullResult r = doPull(wanted, keepNewerLocal, start);
            status.pulled(r);
            return r;
        } catch (IOException | RuntimeException e) {
            status.pullFailed(e.getMessage() != null ? e.getMessage() : e.toString());
            throw e;
        }
    }

    private PullResult doPull(Optional<String> wanted, boolean keepNewerLocal, long start) throws IOException {
        List<ObjectStore> sources = new ArrayList<>();
        sources.add(store);
        readStore.ifPresent(sources::add);
        ObjectStore source = null;
        RemoteLayout.Manifest chosen = null;
        Map<String, RemoteLayout.Manifest> inSource = Map.of();
        for (ObjectStore s : sources) {
            inSource = manifests(s);
            Optional<RemoteLayout.Manifest> pick = wanted.isPresent() ? Optional.ofNullable(inSource.get(wanted.get()))
                    : inSource.values().stream().max(RemoteLayout.Manifest.RANK);
            if (pick.isPresent()) {
                source = s;
                chosen = pick.get();
                break;
            }
        }
        Optional<CheckpointRecord> local = storage.latest();
        if (chosen == null) {
            String what = wanted.map(u -> "checkpoint " + u).orElse("no checkpoint");
            LOG.info("{} in {}{}", wanted.isPresent() ? what + " is not" : what + " is", store.location(),
                    readStore.map(r -> " or " + r.location()).orElse(""));
            return new PullResult(Optional.empty(), store.location().toString(), 0, 0, Duration.ofNanos(System.nanoTime() - start),
                    Instant.now().toString());
        }
        if (local.isPresent() && local.get().uuid().equals(chosen.uuid())) {
            return new PullResult(Optional.of(chosen.uuid()), source.location().toString(), 0, 0,
                    Duration.ofNanos(System.nanoTime() - start), Instant.now().toString());
        }
        if (keepNewerLocal && wanted.isEmpty() && local.isPresent() && !inSource.containsKey(local.get().uuid())
                && local.get().uuid().compareTo(chosen.uuid()) > 0) {
            LOG.atInfo().addKeyValue("local", local.get().uuid()).addKeyValue("remote", chosen.uuid())
                    .log("the local checkpoint is newer than the bucket's newest and was never pushed; keeping it");
            return new PullResult(Optional.of(local.get().uuid()), "local", 0, 0, Duration.ofNanos(System.nanoTime() - start),
                    Instant.now().toString());
        }
        int files = 0;
        long bytes = 0;
        for (RemoteLayout.RemoteFile f : chosen.files()) {
            if (Files.isRegularFile(storage.file(f.path()))) {
                continue;
            }
            ObjectStore from = source;
            storage.receive(f.path(), temp -> {
                from.download(f.path(), temp);
                long size = Files.size(temp);
                if (size != f.size()) {
                    throw new IOException("downloaded " + f.path() + " has " + size + " bytes, its manifest says " + f.size());
                }
            });
            files++;
            bytes += f.size();
        }
        storage.commitPulled(chosen.uuid());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.atInfo().addKeyValue("checkpoint", chosen.uuid()).addKeyValue("bucket", source.location())
                .addKeyValue("downloaded_files", files).addKeyValue("downloaded_bytes", bytes)
                .addKeyValue("pull_ms", took.toMillis()).log("checkpoint pulled");
        return new PullResult(Optional.of(chosen.uuid()), source.location().toString(), files, bytes, took,
                Instant.now().toString());
    }

    /** The complete checkpoints of a bucket, by uuid (manifests are immutable, so each is read once). */
    private Map<String, RemoteLayout.Manifest> manifests(ObjectStore s) throws IOException {
        Map<String, RemoteLayout.Manifest> cache = manifestCache.computeIfAbsent(s.location().toString(), k -> new ConcurrentHashMap<>());
        Map<String, RemoteLayout.Manifest> out = new HashMap<>();
        for (String key : s.list(RemoteLayout.CHECKPOINTS).keySet()) {
            Optional<String> uuid = RemoteLayout.manifestUuid(key);
            if (uuid.isEmpty()) {
                continue;
            }
            RemoteLayout.Manifest m = cache.get(uuid.get());
            if (m == null) {
                Optional<byte[]> bytes = s.get(key);
                if (bytes.isEmpty()) {
                    continue;
                }
                m = JSON.readValue(bytes.get(), RemoteLayout.Manifest.class);
                cache.put(uuid.get(), m);
            }
            out.put(uuid.get(), m);
        }
        cache.keySet().retainAll(out.keySet());
        return out;
    }

    /** The complete checkpoints in the bucket, newest first. */
    public List<Map<String, Object>> remoteCheckpoints() throws IOException {
        List<RemoteLayout.Manifest> all = new ArrayList<>(manifests(store).values());
        all.sort(RemoteLayout.Manifest.RANK.reversed());
        List<Map<String, Object>> out = new ArrayList<>();
        for (RemoteLayout.Manifest m : all) {
            out.add(Map.of("uuid", m.uuid(), "steps", m.step(), "size", m.sizeBytes(), "epoch", m.epoch(),
                    "pushed_at", m.pushedAt()));
        }
        return out;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        store.close();
    }
}
