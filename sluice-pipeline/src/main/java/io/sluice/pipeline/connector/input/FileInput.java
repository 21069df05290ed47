package io.sluice.pipeline.connector.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.format.Change;
import io.sluice.pipeline.format.ParsedInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code file_input}: reads a file of CSV or JSON records, one per line, from the start (or a
 * resume position) to the end; with {@code follow: true} it keeps reading as the file grows.
 *
 * <p>The position is the byte offset after the last whole line handed over: {@code {"offset": n}}.
 * Only whole lines are read while following, so a record being appended is never cut; without
 * follow, a last line without a line end is read at the end of the file.
 */
public final class FileInput implements InputConnector {
    private static final Logger LOG = LoggerFactory.getLogger(FileInput.class);
    private static final Set<String> KEYS = Set.of("path", "follow", "buffer_size_bytes");
    private static final int DEFAULT_CHUNK = 1 << 20;
    private static final long FOLLOW_POLL_MILLIS = 50;

    private final Path path;
    private final boolean follow;
    private final int chunkBytes;
    private final RecordParser parser;
    private final Feed feed;
    private Thread thread;

    public FileInput(EndpointConfig config, RecordParser parser, Feed feed) throws ConfigException {
        for (var f : config.transportConfig().properties()) {
            if (!KEYS.contains(f.getKey())) {
                throw new ConfigException("connector '" + config.name() + "': file_input has no setting '" + f.getKey() + "'");
            }
        }
        this.path = Path.of(config.transportText("path").orElseThrow(
                () -> new ConfigException("connector '" + config.name() + "': file_input needs 'path'")));
        this.follow = config.transportConfig().path("follow").asBoolean(false);
        this.chunkBytes = config.transportConfig().path("buffer_size_bytes").asInt(DEFAULT_CHUNK);
        this.parser = requireNonNull(parser, "parser is null");
        this.feed = requireNonNull(feed, "feed is null");
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            feed.endpoint().markNotResumable("input " + config.name() + " reads " + path
                    + ", which is not a regular file, so a restart cannot seek back to its position");
        }
    }

    static JsonNode position(long offset) {
        return JsonNodeFactory.instance.objectNode().put("offset", offset);
    }

    @Override
    public void start(Optional<JsonNode> resumeAfter) {
        long offset = resumeAfter.map(p -> p.path("offset").asLong(0)).orElse(0L);
        feed.endpoint().initResumePosition(position(offset));
        thread = new Thread(() -> run(offset), "file-input-" + feed.endpoint().name());
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long start) {
        try {
            if (!feed.awaitTurn()) {
                return;
            }
            FileChannel ch = open();
            if (ch == null) {
                return;
            }
            try (ch) {
                read(ch, start);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("file input {} stopped: {}", feed.endpoint().name(), e.toString());
            feed.endpoint().recordTransportError("reading " + path + ": " + e);
            feed.endpoint().fail(e.toString());
        }
    }

    /** Opens the file, waiting for it to appear while following; null when closed meanwhile. */
    private FileChannel open() throws IOException, InterruptedException {
        boolean reported = false;
        while (true) {
            try {
                return FileChannel.open(path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                if (!reported) {
                    feed.endpoint().recordTransportError("file " + path + " does not exist" + (follow ? "; waiting for it" : ""));
                    reported = true;
                }
                if (!follow) {
                    feed.endpoint().fail("file " + path + " does not exist");
                    return null;
                }
                Thread.sleep(FOLLOW_POLL_MILLIS * 10);
                if (feed.isClosed()) {
                    return null;
                }
            }
        }
    }

    private void read(FileChannel ch, long start) throws IOException, InterruptedException {
        long offset = start;
        ByteBuffer buf = ByteBuffer.allocate(chunkBytes);
        while (feed.awaitTurn()) {
            buf.clear();
            int n = ch.read(buf, offset);
            if (n <= 0) {
                if (!follow) {
                    feed.endpoint().markEndOfInput();
                    return;
                }
                Thread.sleep(FOLLOW_POLL_MILLIS);
                continue;
            }
            byte[] data = buf.array();
            int whole = lastLineEnd(data, n);
            boolean atEnd = n < buf.capacity() && ch.size() <= offset + n;
            if (whole < 0) {
                if (n == buf.capacity()) {
                    buf = ByteBuffer.allocate(buf.capacity() * 2); // one line longer than the buffer
                    continue;
                }
                if (follow || !atEnd) {
                    Thread.sleep(FOLLOW_POLL_MILLIS);
                    continue;
                }
                whole = n; // the last line of a finished file, without a line end
            }
            ParsedInput parsed = parser.parse(data, 0, whole);
            feed.push(parsed, position(offset), position(offset + whole));
            offset += whole;
        }
    }

    /** The length of the prefix of {@code data[0, n)} that ends with a line end, or -1. */
    private static int lastLineEnd(byte[] data, int n) {
        for (int i = n - 1; i >= 0; i--) {
            if (data[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    @Override
    public List<Change> replay(JsonNode from, JsonNode to) throws IOException {
        long start = from.path("offset").asLong();
        long end = to.path("offset").asLong();
        byte[] data = new byte[Math.toIntExact(end - start)];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                if (ch.read(buf, start + buf.position()) < 0) {
                    throw new IOException(path + " is shorter than the journal says (" + end + " bytes)");
                }
            }
        }
        return parser.parse(data, 0, data.length).changes();
    }

    @Override
    public void close() {
        feed.close();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
