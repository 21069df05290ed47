package io.sluice.pipeline.storage;

import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock on a storage directory, so two processes never share state. The lock file
 * holds the PID of its holder; a second process waits for it, logging that PID, and then fails.
 */
final class StorageLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageLock.class);
    static final String FILE_NAME = "sluice.pidlock";

    private final FileChannel channel;
    private final FileLock lock;

    private StorageLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StorageLock acquire(Path directory, Duration wait) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + wait.toNanos();
        long nextLog = 0;
        try {
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    lock = null; // held by this very process, through another channel
                }
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                    channel.force(true);
                    return new StorageLock(channel, lock);
                }
                long now = System.nanoTime();
                String holder = Files.readString(file).strip();
                if (now >= deadline) {
                    throw new SluiceException(ErrorCode.STORAGE_LOCKED, "storage directory " + directory
                            + " is locked by process " + holder);
                }
                if (now >= nextLog) {
                    LOG.warn("storage directory {} is locked by process {}; waiting", directory, holder);
                    nextLog = now + Duration.ofSeconds(10).toNanos();
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new IOException("interrupted while waiting for the storage lock", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
