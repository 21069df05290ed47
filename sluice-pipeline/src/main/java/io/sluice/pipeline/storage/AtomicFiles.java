package io.sluice.pipeline.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way Sluice writes a file that must survive a crash: write {@code name.mut}, fsync it,
 * rename it over {@code name}, fsync the directory. A reader sees the old file or the new one,
 * never a part.
 */
final class AtomicFiles {
    static final String TEMP_SUFFIX = ".mut";

    private AtomicFiles() {
    }

    static void write(Path target, byte[] contents) throws IOException {
        replace(target, contents);
        syncDirectory(target.getParent());
    }

    /**
     * {@link #write} without the final directory fsync: once this returns, readers see the new
     * file, but a power loss may still bring back the old one until the directory is synced. A
     * failed write removes its temporary file, so a full disk keeps no partial file.
     */
    static void replace(Path target, byte[] contents) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(contents);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            if (e instanceof AtomicMoveNotSupportedException) {
                throw new IOException("the file system of " + target.getParent() + " cannot rename atomically", e);
            }
            throw e;
        }
    }

    /** Removes a temporary file after a failed write, keeping the write's error as the one thrown. */
    static void deleteQuietly(Path temp, Exception failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /** Makes the directory's entries (creations, renames, deletions) durable. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
