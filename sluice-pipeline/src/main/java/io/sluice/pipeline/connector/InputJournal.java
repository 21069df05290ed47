package io.sluice.pipeline.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.pipeline.controller.StepHook;
import io.sluice.pipeline.controller.StepInput;
import io.sluice.pipeline.format.Change;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once input journal: one file per step with connector input, {@code journal/<step>.json}
 * in the storage directory, holding for each endpoint the source range the step read and the
 * number and hash of its records:
 * <pre>{"step": 42, "inputs": {"t.kafka": {"from": {...}, "to": {...}, "num_records": 100, "hash": -123}}}</pre>
 *
 * <p>An entry is written under a temporary name, fsynced, renamed and its directory fsynced, all
 * before the step's output is released: so every output a sink may have delivered is covered by an
 * entry that replays it. After a checkpoint at step S commits, entries up to S are deleted.
 *
 * <p>Thread safety: {@link #beforeRelease} runs on the circuit thread, {@link #checkpointCommitted}
 * on the checkpoint thread; they touch different files (entries after and up to S).
 */
final class InputJournal implements StepHook {
    private static final Logger LOG = LoggerFactory.getLogger(InputJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    /** One journaled step. */
    record Entry(long step, JsonNode inputs) {}

    InputJournal(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    /** The order-independent hash of a step's records from one endpoint: XOR of mixed per-record hashes. */
    static long hash(List<Change> changes) {
        long h = 0;
        for (Change c : changes) {
            h ^= mix(c.row().hashCode() * 0x9E3779B97F4A7C15L + c.weight()
                    + (c.isUpdate() ? java.util.Arrays.hashCode(c.updated()) * 31L + 7 : 0));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public void beforeRelease(long step, List<StepInput> inputs) throws IOException {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("step", step);
        ObjectNode byName = entry.putObject("inputs");
        for (StepInput in : inputs) {
            ObjectNode e = byName.putObject(in.endpoint().name());
            e.set("from", in.range().from());
            e.set("to", in.range().to());
            e.put("num_records", in.changes().size());
            e.put("hash", hash(in.changes()));
        }
        Path target = dir.resolve(step + ".json");
        Path temp = dir.resolve(step + ".json.mut");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(JSON.writeValueAsBytes(entry));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public void checkpointCommitted(long step) {
        for (long s : steps()) {
            if (s <= step) {
                try {
                    Files.deleteIfExists(dir.resolve(s + ".json"));
                } catch (IOException ex) {
                    LOG.warn("cannot delete journal entry {}: {}", s, ex.toString());
                }
            }
        }
    }

    /** The journaled step numbers, ascending. */
    List<Long> steps() {
        List<Long> steps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                steps.add(Long.parseLong(name.substring(0, name.length() - ".json".length())));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the input journal in " + dir, e);
        }
        steps.sort(null);
        return steps;
    }

    /** The entries of steps after {@code step}, in step order. */
    List<Entry> entriesAfter(long step) {
        List<Entry> entries = new ArrayList<>();
        for (long s : steps()) {
            if (s > step) {
                try {
                    entries.add(new Entry(s, JSON.readTree(dir.resolve(s + ".json").toFile()).path("inputs")));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot read journal entry " + s + " in " + dir, e);
                }
            }
        }
        return entries;
    }
}
