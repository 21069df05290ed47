package io.sluice.pipeline.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.engine.storage.CircuitStateCodec;
import io.sluice.pipeline.api.DesiredStatus;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage directory of one pipeline.
 *
 * <pre>
 *   sluice.pidlock            exclusive lock, PID of the holder
 *   status.json               desired status and deployment id
 *   checkpoints.json          the catalog: committed checkpoints, oldest first
 *   state.json                the latest committed checkpoint; replacing it is THE commit point
 *   checkpoints/&lt;uuid&gt;/      one checkpoint: circuit.manifest, state.json
 *   batches/b-&lt;uuid&gt;.batch   immutable batch files, shared by every checkpoint that holds them
 * </pre>
 *
 * <p>A checkpoint is written in this order: new batch files (fsynced), the checkpoint directory's
 * files (fsynced), the catalog, and last the root {@code state.json}. A crash at any point before
 * the last rename leaves the previous checkpoint as the resume point. Retention keeps the newest
 * {@link #RETAINED} checkpoints and deletes what only older ones referenced, after the commit.
 *
 * <p>Checkpoint writes come from one thread at a time (the controller's checkpoint thread); the
 * catalog may be read from any thread.
 */
public final class StorageDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageDirectory.class);
    static final int RETAINED = 2;
    private static final String STATUS = "status.json";
    private static final String CATALOG = "checkpoints.json";
    private static final String ROOT_STATE = "state.json";
    private static final String MANIFEST = "circuit.manifest";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Path checkpoints;
    private final Path batches;
    private final StorageLock lock;
    private volatile List<CheckpointRecord> catalog;
    private volatile Map<String, Object> configInUse = Map.of();
    /** Checkpoints retention must keep whatever their age: those with a push pending or running. */
    private final Map<String, Integer> holds = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String ACTIVATED = "activated.json";

    private StorageDirectory(Path root, StorageLock lock, List<CheckpointRecord> catalog) {
        this.root = root;
        this.checkpoints = root.resolve("checkpoints");
        this.batches = root.resolve("batches");
        this.lock = lock;
        this.catalog = List.copyOf(catalog);
    }

    /** Creates the directory if needed, takes its lock (waiting up to {@code lockWait}) and cleans up an interrupted checkpoint. */
    public static StorageDirectory open(Path root, Duration lockWait) throws IOException {
        Files.createDirectories(root);
        StorageLock lock = StorageLock.acquire(root, lockWait);
        try {
            Files.createDirectories(root.resolve("checkpoints"));
            Files.createDirectories(root.resolve("batches"));
            List<CheckpointRecord> catalog = committedOnly(root, readCatalog(root));
            StorageDirectory dir = new StorageDirectory(root, lock, catalog);
            dir.collectStartupGarbage();
            return dir;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public Path path() {
        return root;
    }

    /** The configuration this process runs with, recorded in every checkpoint it writes. */
    public void recordConfigInUse(Map<String, Object> config) {
        this.configInUse = Map.copyOf(config);
    }

    private static List<CheckpointRecord> readCatalog(Path root) throws IOException {
        Path file = root.resolve(CATALOG);
        if (!Files.exists(file)) {
            try (Stream<Path> dirs = Files.list(root.resolve("checkpoints"))) {
                if (dirs.findAny().isPresent()) {
                    throw new SluiceException(ErrorCode.STORAGE_ERROR, "storage directory " + root
                            + " holds checkpoint directories but no catalog (" + CATALOG
                            + "); refusing to start rather than delete them");
                }
            }
            // A fresh directory gets its (empty) catalog now, before any checkpoint: a crash during the
            // first checkpoint then leaves a directory the next start cleans instead of refusing.
            AtomicFiles.write(file, JSON.writeValueAsBytes(List.of()));
            return List.of();
        }
        return JSON.readValue(file.toFile(), new TypeReference<List<CheckpointRecord>>() {});
    }

    /**
     * The catalog is written just before the root {@code state.json}; a crash between the two leaves
     * catalog entries that were never committed. They are dropped here (and their files collected),
     * so the catalog's newest entry is always the resume point.
     */
    private static List<CheckpointRecord> committedOnly(Path root, List<CheckpointRecord> catalog) throws IOException {
        Path rootState = root.resolve(ROOT_STATE);
        String committed = Files.exists(rootState) ? JSON.readValue(rootState.toFile(), CheckpointRecord.class).uuid() : null;
        int last = -1;
        for (int i = 0; i < catalog.size(); i++) {
            if (catalog.get(i).uuid().equals(committed)) {
                last = i;
            }
        }
        if (last == catalog.size() - 1) {
            return catalog;
        }
        List<CheckpointRecord> kept = List.copyOf(catalog.subList(0, last + 1));
        LOG.info("dropping {} catalog entries that were never committed", catalog.size() - kept.size());
        AtomicFiles.write(root.resolve(CATALOG), JSON.writeValueAsBytes(kept));
        return kept;
    }

    /** Removes what an interrupted checkpoint left: temporary files, uncatalogued checkpoint directories, unreferenced batch files. */
    private void collectStartupGarbage() throws IOException {
        Set<String> keepDirs = new HashSet<>();
        Set<String> keepBatches = new HashSet<>();
        for (CheckpointRecord r : catalog) {
            keepDirs.add(r.uuid());
            keepBatches.addAll(r.batches());
        }
        deleteUnlisted(checkpoints, keepDirs);
        deleteUnlisted(batches, keepBatches);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "*" + AtomicFiles.TEMP_SUFFIX)) {
            for (Path f : files) {
                LOG.info("removing leftover temporary file {}", f);
                Files.deleteIfExists(f);
            }
        }
        for (CheckpointRecord r : catalog) {
            for (String b : r.batches()) {
                if (!Files.isRegularFile(batches.resolve(b))) {
                    LOG.error("checkpoint {} references missing batch file {}", r.uuid(), b);
                }
            }
        }
    }

    private static void deleteUnlisted(Path directory, Set<String> keep) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                if (!keep.contains(p.getFileName().toString())) {
                    LOG.info("removing {}, which no committed checkpoint references", p);
                    deleteRecursively(p);
                }
            }
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> walk = Files.walk(p)) {
                for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        } else {
            Files.deleteIfExists(p);
        }
    }

    /** The contents of {@code status.json}. */
    public record StatusFile(
            @com.fasterxml.jackson.annotation.JsonProperty("desired_status") DesiredStatus desiredStatus,
            @com.fasterxml.jackson.annotation.JsonProperty("deployment_id") String deploymentId) {}

    public Optional<StatusFile> readStatus() throws IOException {
        Path file = root.resolve(STATUS);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(file.toFile(), StatusFile.class));
    }

    public void writeStatus(StatusFile status) throws IOException {
        AtomicFiles.write(root.resolve(STATUS), JSON.writeValueAsBytes(status));
    }

    public List<CheckpointRecord> catalog() {
        return catalog;
    }

    /** A checkpoint read back: its record and the operator state. */
    public record Restored(CheckpointRecord record, CircuitState state) {}

    /** Reads the latest committed checkpoint, if any. A listed file that is missing or corrupt fails the restore. */
    public Optional<Restored> readLatest() throws IOException {
        Path file = root.resolve(ROOT_STATE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        CheckpointRecord record = JSON.readValue(file.toFile(), CheckpointRecord.class);
        Path manifest = checkpoints.resolve(record.uuid()).resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("checkpoint " + record.uuid() + " is missing its manifest " + manifest);
        }
        for (String b : record.batches()) {
            if (!Files.isRegularFile(batches.resolve(b))) {
                throw new IOException("checkpoint " + record.uuid() + " references batch file " + b + ", which is missing");
            }
        }
        CircuitState state = CircuitStateCodec.readManifest(Files.readAllBytes(manifest), new FileStateStore(batches));
        return Optional.of(new Restored(record, state));
    }

    /**
     * Writes and commits a checkpoint of {@code state}; returns its record. On failure the previous
     * checkpoint stays the committed one and the partial files are removed.
     */
    public synchronized CheckpointRecord writeCheckpoint(CircuitState state, CheckpointRecord.Counters counters, String programFingerprint)
            throws IOException {
        return writeCheckpoint(state, counters, programFingerprint, Map.of());
    }

    /** {@link #writeCheckpoint(CircuitState, CheckpointRecord.Counters, String)} with each input's resume position. */
    public CheckpointRecord writeCheckpoint(CircuitState state, CheckpointRecord.Counters counters, String programFingerprint,
            Map<String, com.fasterxml.jackson.databind.JsonNode> inputPositions) throws IOException {
        String uuid = TimeOrderedUuid.next().toString();
        Path dir = checkpoints.resolve(uuid);
        List<CheckpointRecord> previous = catalog;
        CheckpointRecord record;
        boolean committed = false;
        try {
            Files.createDirectory(dir);
            AtomicFiles.syncDirectory(checkpoints);
            FileStateStore store = new FileStateStore(batches);
            byte[] manifest = CircuitStateCodec.writeManifest(state, store);
            store.sync();
            AtomicFiles.write(dir.resolve(MANIFEST), manifest);
            long ownBytes = manifest.length;
            CheckpointRecord draft = new CheckpointRecord(uuid, state.steps(), System.currentTimeMillis(),
                    programFingerprint, counters, store.referenced(), 0, 0, configInUse, inputPositions);
            byte[] stateJson = JSON.writeValueAsBytes(draft);
            ownBytes += stateJson.length;
            record = new CheckpointRecord(uuid, draft.step(), draft.createdAtMillis(),
                    programFingerprint, counters, draft.batches(), store.referencedBytes() + ownBytes,
                    store.writtenBytes() + ownBytes, configInUse, inputPositions);
            AtomicFiles.write(dir.resolve(ROOT_STATE), JSON.writeValueAsBytes(record));
            List<CheckpointRecord> next = new ArrayList<>(catalog);
            next.add(record);
            AtomicFiles.write(root.resolve(CATALOG), JSON.writeValueAsBytes(next));
            catalog = List.copyOf(next);
            AtomicFiles.replace(root.resolve(ROOT_STATE), JSON.writeValueAsBytes(record));
            committed = true;
            AtomicFiles.syncDirectory(root);
        } catch (IOException | RuntimeException e) {
            if (committed) {
                // The rename happened, only its fsync failed: the root state.json names this checkpoint
                // (or, after a power loss, the previous one, which retention has not touched yet). Undoing
                // would delete the checkpoint the root names; keep both and report the failure.
                throw e;
            }
            // Not committed: the root state.json still names the previous checkpoint. Undo the rest.
            try {
                if (catalog != previous) {
                    catalog = previous;
                    AtomicFiles.write(root.resolve(CATALOG), JSON.writeValueAsBytes(previous));
                }
                deleteRecursively(dir);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        // Committed. Retention is housekeeping: a failure here leaves files the next startup collects.
        try {
            collectRetired();
        } catch (IOException | RuntimeException e) {
            LOG.warn("checkpoint {} committed, but removing older checkpoints failed: {}", uuid, e.toString());
        }
        return record;
    }

    /** After a commit: drops checkpoints beyond the newest {@link #RETAINED}, then the batch files only they referenced. */
    private synchronized void collectRetired() throws IOException {
        List<CheckpointRecord> all = catalog;
        if (all.size() <= RETAINED) {
            return;
        }
        List<CheckpointRecord> kept = new ArrayList<>();
        List<CheckpointRecord> retired = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            CheckpointRecord r = all.get(i);
            (i >= all.size() - RETAINED || holds.containsKey(r.uuid()) ? kept : retired).add(r);
        }
        if (retired.isEmpty()) {
            return;
        }
        AtomicFiles.write(root.resolve(CATALOG), JSON.writeValueAsBytes(kept));
        catalog = List.copyOf(kept);
        Set<String> live = new HashSet<>();
        kept.forEach(r -> live.addAll(r.batches()));
        for (CheckpointRecord r : retired) {
            for (String b : r.batches()) {
                if (!live.contains(b)) {
                    Files.deleteIfExists(batches.resolve(b));
                }
            }
            deleteRecursively(checkpoints.resolve(r.uuid()));
        }
    }

    // ---- What checkpoint sync (io.sluice.pipeline.sync) needs: holds, file access by relative path, pulled checkpoints.

    /**
     * Keeps {@code uuid} out of retention until {@link #release}: a checkpoint whose push is pending
     * or running. Holds nest (one per caller).
     */
    public void hold(String uuid) {
        holds.merge(uuid, 1, Integer::sum);
    }

    public void release(String uuid) {
        holds.computeIfPresent(uuid, (k, n) -> n == 1 ? null : n - 1);
    }

    /** The newest committed checkpoint, if any. */
    public Optional<CheckpointRecord> latest() {
        List<CheckpointRecord> c = catalog;
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get(c.size() - 1));
    }

    public Optional<CheckpointRecord> find(String uuid) {
        return catalog.stream().filter(r -> r.uuid().equals(uuid)).findFirst();
    }

    /**
     * Every file of a checkpoint, as paths relative to the storage root ({@code batches/<name>} first,
     * then {@code checkpoints/<uuid>/...}): what a push uploads, under the same names.
     */
    public List<String> filesOf(CheckpointRecord r) {
        List<String> files = new ArrayList<>();
        r.batches().forEach(b -> files.add("batches/" + b));
        files.add("checkpoints/" + r.uuid() + "/" + MANIFEST);
        files.add("checkpoints/" + r.uuid() + "/" + ROOT_STATE);
        return files;
    }

    /** The file at a relative path as {@link #filesOf} names it; refuses any other shape of path. */
    public Path file(String relative) {
        if (!relative.matches("batches/b-[0-9a-f-]{36}\\.batch|checkpoints/[0-9a-f-]{36}/(" + MANIFEST.replace(".", "\\.")
                + "|state\\.json)")) {
            throw new IllegalArgumentException("not a checkpoint file path: " + relative);
        }
        return root.resolve(relative);
    }

    /** A writer of one file's contents into the temporary path it is given. */
    public interface FileWriter {
        void writeTo(Path temp) throws IOException;
    }

    /**
     * Receives a file of a pulled checkpoint: {@code writer} fills a temporary file, which is fsynced
     * and renamed into place. A file already present is kept (checkpoint files are immutable).
     */
    public void receive(String relative, FileWriter writer) throws IOException {
        Path target = file(relative);
        if (Files.isRegularFile(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + AtomicFiles.TEMP_SUFFIX);
        try {
            Files.deleteIfExists(temp);
            writer.writeTo(temp);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteQuietly(temp, e);
            throw e;
        }
    }

    /**
     * Commits a pulled checkpoint whose files {@link #receive} put in place: it becomes the newest
     * catalog entry and the root {@code state.json} names it, the same commit point as a checkpoint
     * taken here. Every file it lists must be present. Then retention runs.
     */
    public synchronized CheckpointRecord commitPulled(String uuid) throws IOException {
        Path dir = checkpoints.resolve(uuid);
        Path stateFile = dir.resolve(ROOT_STATE);
        if (!Files.isRegularFile(stateFile) || !Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new IOException("pulled checkpoint " + uuid + " is incomplete: its state.json or manifest is missing");
        }
        byte[] stateJson = Files.readAllBytes(stateFile);
        CheckpointRecord record = JSON.readValue(stateJson, CheckpointRecord.class);
        if (!record.uuid().equals(uuid)) {
            throw new IOException("pulled checkpoint " + uuid + " holds the state.json of " + record.uuid());
        }
        for (String b : record.batches()) {
            if (!Files.isRegularFile(batches.resolve(b))) {
                throw new IOException("pulled checkpoint " + uuid + " references batch file " + b + ", which is missing");
            }
        }
        AtomicFiles.syncDirectory(batches);
        AtomicFiles.syncDirectory(dir);
        AtomicFiles.syncDirectory(checkpoints);
        List<CheckpointRecord> next = new ArrayList<>(catalog.stream().filter(r -> !r.uuid().equals(uuid)).toList());
        next.add(record);
        AtomicFiles.write(root.resolve(CATALOG), JSON.writeValueAsBytes(next));
        catalog = List.copyOf(next);
        AtomicFiles.replace(root.resolve(ROOT_STATE), stateJson);
        AtomicFiles.syncDirectory(root);
        TimeOrderedUuid.observe(uuid);
        try {
            collectRetired();
        } catch (IOException | RuntimeException e) {
            LOG.warn("pulled checkpoint {} committed, but removing older checkpoints failed: {}", uuid, e.toString());
        }
        return record;
    }

    /** {@code activated.json}: written when a standby takes over, so a restart does not wait in standby again. */
    public Optional<String> readActivated() throws IOException {
        Path f = root.resolve(ACTIVATED);
        return Files.exists(f) ? Optional.of(Files.readString(f)) : Optional.empty();
    }

    public void writeActivated(Object what) throws IOException {
        AtomicFiles.write(root.resolve(ACTIVATED), JSON.writeValueAsBytes(what));
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }

    /** UUIDv7-style ids, so checkpoint names sort by creation time. */
    static final class TimeOrderedUuid {
        private static long last;

        private TimeOrderedUuid() {
        }

        /** Makes every later id sort after {@code uuid} (one pulled from another node, whose clock may run ahead). */
        static synchronized void observe(String uuid) {
            UUID u = UUID.fromString(uuid);
            if (u.version() == 7) {
                last = Math.max(last, u.getMostSignificantBits() >>> 16);
            }
        }

        static synchronized UUID next() {
            long millis = Math.max(System.currentTimeMillis(), last + 1);
            last = millis;
            long msb = (millis << 16) | 0x7000L | (java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0x0FFFL);
            long lsb = (java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(msb, lsb);
        }
    }
}
