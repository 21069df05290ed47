package io.sluice.pipeline.connector.output;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.engine.algebra.Batch;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.controller.OutputEndpoint;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code file_output}: appends a view's changes to a file, one JSON or CSV record per line.
 *
 * <p>Exactly-once (when the pipeline's model is {@code exactly_once}): after each step's records
 * are written and fsynced, a side file {@code <path>.progress} records the step and the file's
 * length (written atomically). On restart the file is cut back to that length, and the steps the
 * journal replays up to that step are not written again. Otherwise the records are written
 * straight to the file (no user-space buffer, so a process crash loses nothing written) and a
 * resumed pipeline appends.
 */
public final class FileOutput implements OutputConnector {
    private static final Logger LOG = LoggerFactory.getLogger(FileOutput.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("path");
    private static final long RETRY_MILLIS = 500;

    private final Path path;
    private final Path progress;
    private final boolean exactlyOnce;
    private final RecordEncoder encoder;
    private final OutputEndpoint endpoint;
    private FileChannel channel;
    private long lastStep;
    private volatile boolean closed;

    public FileOutput(EndpointConfig config, Relation view, OutputEndpoint endpoint, boolean exactlyOnce) throws ConfigException {
        for (var f : config.transportConfig().properties()) {
            if (!KEYS.contains(f.getKey())) {
                throw new ConfigException("connector '" + config.name() + "': file_output has no setting '" + f.getKey() + "'");
            }
        }
        this.path = Path.of(config.transportText("path").orElseThrow(
                () -> new ConfigException("connector '" + config.name() + "': file_output needs 'path'")));
        this.progress = path.resolveSibling(path.getFileName() + ".progress");
        this.exactlyOnce = exactlyOnce;
        this.encoder = RecordEncoder.of(config, view);
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
    }

    @Override
    public void open(boolean resuming) throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (!resuming) {
            channel.truncate(0);
            Files.deleteIfExists(progress);
        } else if (exactlyOnce) {
            long length = 0;
            if (Files.exists(progress)) {
                JsonNode p = JSON.readTree(progress.toFile());
                lastStep = p.path("step").asLong();
                length = p.path("length").asLong();
            }
            if (channel.size() > length) {
                LOG.info("file output {}: cutting {} back to {} bytes, the end of step {}", endpoint.name(), path, length, lastStep);
                channel.truncate(length);
            }
        } else {
            cutPartialLine();
        }
        channel.position(channel.size());
    }

    /** A crash can leave a record half written; appending after it would spoil the next one too. */
    private void cutPartialLine() throws IOException {
        long size = channel.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        long end = size;
        while (end > 0) {
            one.clear();
            channel.read(one, end - 1);
            if (one.get(0) == '\n') {
                break;
            }
            end--;
        }
        if (end < size) {
            LOG.info("file output {}: dropping a partial last line of {} ({} bytes)", endpoint.name(), path, size - end);
            channel.truncate(end);
        }
    }

    @Override
    public void onSnapshot(Batch contents) {
        onDelta(0, contents);
    }

    @Override
    public void onDelta(long step, Batch delta) {
        if (exactlyOnce && step <= lastStep) {
            return;
        }
        List<byte[]> records = encoder.encode(delta);
        int size = 0;
        for (byte[] r : records) {
            size += r.length + 1;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (byte[] r : records) {
            buf.put(r).put((byte) '\n');
        }
        while (!closed) {
            try {
                write(buf.flip(), step);
                endpoint.transmitted(records.size(), size);
                return;
            } catch (IOException e) {
                endpoint.recordTransportError("writing " + path + ": " + e);
                LOG.warn("file output {}: {}; retrying", endpoint.name(), e.toString());
                sleep();
            }
        }
    }

    private void write(ByteBuffer buf, long step) throws IOException {
        long start = channel.size();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            if (exactlyOnce) {
                channel.force(false);
                Path temp = progress.resolveSibling(progress.getFileName() + ".mut");
                try (FileChannel t = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    t.write(ByteBuffer.wrap(JSON.writeValueAsBytes(
                            java.util.Map.of("step", step, "length", channel.size()))));
                    t.force(true);
                }
                Files.move(temp, progress, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                lastStep = step;
            }
        } catch (IOException e) {
            // Leave no half-written step behind: a retry writes it whole.
            channel.truncate(start);
            channel.position(start);
            buf.rewind();
            throw e;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onEnd() {
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("file output {}: closing {}: {}", endpoint.name(), path, e.toString());
        }
    }
}
