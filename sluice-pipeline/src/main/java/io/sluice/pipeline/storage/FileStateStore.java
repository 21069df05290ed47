package io.sluice.pipeline.storage;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.storage.BatchCodec;
import io.sluice.engine.storage.StateStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Batch files in the shared {@code batches/} directory. A batch is written once, under a fresh name,
 * and every later checkpoint that still holds it references the same file: the cost of a checkpoint
 * grows with what changed since the last one. One instance serves one checkpoint write and records
 * which files it referenced and what it wrote.
 */
final class FileStateStore implements StateStore {
    private final Path directory;
    private final Set<String> referenced = new LinkedHashSet<>();
    private final List<Path> written = new ArrayList<>();
    private long writtenBytes;
    private long referencedBytes;

    FileStateStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public String putBatch(Batch batch) throws IOException {
        String name = batch.persistedName();
        if (name != null && Files.isRegularFile(directory.resolve(name))) {
            if (referenced.add(name)) {
                referencedBytes += Files.size(directory.resolve(name));
            }
            return name;
        }
        name = "b-" + UUID.randomUUID() + ".batch";
        Path target = directory.resolve(name);
        Path temp = directory.resolve(name + AtomicFiles.TEMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                BatchCodec.write(batch, out);
                out.flush();
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // A full disk must not keep the partial file: it would hold the space until the next start.
            AtomicFiles.deleteQuietly(temp, e);
            throw e;
        }
        long size = Files.size(target);
        written.add(target);
        writtenBytes += size;
        referencedBytes += size;
        referenced.add(name);
        batch.markPersisted(name);
        return name;
    }

    @Override
    public Batch getBatch(String name) throws IOException {
        Path file = directory.resolve(name);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Batch batch = BatchCodec.read(in);
            batch.markPersisted(name);
            return batch;
        } catch (NoSuchFileException e) {
            throw new IOException("checkpoint references batch file " + file + ", which is missing", e);
        }
    }

    /** Makes the renames of the batch files written so far durable. */
    void sync() throws IOException {
        if (!written.isEmpty()) {
            AtomicFiles.syncDirectory(directory);
        }
    }

    List<String> referenced() {
        return List.copyOf(referenced);
    }

    long writtenBytes() {
        return writtenBytes;
    }

    long referencedBytes() {
        return referencedBytes;
    }
}
