package io.sluice.bench.engine;

import io.sluice.bench.BenchArguments;
import io.sluice.bench.ResultLine;
import io.sluice.bench.Scenario;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.engine.operator.AggregateCall;
import io.sluice.engine.storage.BatchCodec;
import io.sluice.engine.storage.CircuitStateCodec;
import io.sluice.engine.storage.StateStore;
import io.sluice.engine.trace.Spine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The engine's plain timed benchmarks (issue 6): {@code grouped-sum}, {@code join},
 * {@code trace-memory} and {@code checkpoint}. Each builds its circuit or trace in-process from
 * (BIGINT, BIGINT) rows of a fixed seed, loads the state unmeasured, then times the measured part.
 */
public final class EngineScenarios {
    private EngineScenarios() {
    }

    public static List<Scenario> all() {
        return List.of(new GroupedSum(), new Join(), new TraceMemory(), new Checkpoint());
    }

    private static Map<String, String> labels(Object... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i].toString(), pairs[i + 1].toString());
        }
        return out;
    }

    private static void progress(String format, Object... args) {
        System.out.printf(format + "%n", args);
    }

    /** CPU time of the whole JVM so far (every thread: workers, GC, JIT), in seconds. */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /**
     * Times {@code steps} steps, each after {@code feed} appended {@code delta} rows, and returns
     * {@code <updates>_per_sec}, {@code <updates>_per_cpu_sec} (CPU of the whole JVM) and
     * {@code <name>_step_ms}.
     */
    private static List<ResultLine> timeSteps(Circuit c, String output, int steps, int delta, Runnable feed,
            String name, String updates, Map<String, String> labels) {
        long start = System.nanoTime();
        double cpuStart = processCpuSeconds();
        long outputRows = 0;
        for (int s = 0; s < steps; s++) {
            feed.run();
            outputRows += c.step().get(output).size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = processCpuSeconds() - cpuStart;
        long n = (long) steps * delta;
        progress("%s: %,d %s in %.2f s, %,d output changes", name, n, updates.replace('_', ' '), seconds, outputRows);
        return List.of(new ResultLine(name + "_" + updates + "_per_sec", labels, n / seconds, "updates/s"),
                new ResultLine(name + "_" + updates + "_per_cpu_sec", labels, n / cpu, "updates/s"),
                new ResultLine(name + "_step_ms", labels, seconds * 1000 / steps, "ms"));
    }

    /** Appends {@code rows} rows (k in 0..keys-1, v random) to {@code input} and steps once. */
    private static void feed(Circuit c, String input, SplittableRandom random, int rows, long keys) {
        for (int i = 0; i < rows; i++) {
            c.append(input, Row.of(random.nextLong(keys), random.nextLong(1_000_000)), 1);
        }
    }

    /**
     * Grouped SUM: {@code SELECT k, SUM(v) FROM t GROUP BY k} over {@code --groups} groups. The
     * groups are first filled (one row each, unmeasured), then {@code --steps} deltas of
     * {@code --delta} inserted rows with random keys are timed, append included.
     */
    static final class GroupedSum implements Scenario {
        @Override
        public String name() {
            return "grouped-sum";
        }

        @Override
        public String description() {
            return "engine: incremental grouped SUM, updates/s (--groups 1000000 --delta 10000 --steps 100 --workers 1)";
        }

        @Override
        public Set<String> options() {
            return Set.of("groups", "delta", "steps", "workers", "warmup-steps");
        }

        @Override
        public List<ResultLine> run(BenchArguments args) {
            int groups = args.positiveInt("groups", 1_000_000);
            int delta = args.positiveInt("delta", 10_000);
            int steps = args.positiveInt("steps", 100);
            int warmup = args.positiveInt("warmup-steps", 30);
            int workers = args.positiveInt("workers", 1);
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream t = b.input("t");
            b.output("sums", t.indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)))
                    .aggregate(List.of(AggregateCall.sum(0, AggregateCall.NumericType.BIGINT))), false);
            Circuit c = b.build(workers);
            try {
                SplittableRandom random = new SplittableRandom(42);
                for (long k = 0; k < groups; k++) {
                    c.append("t", Row.of(k, random.nextLong(1_000_000)), 1);
                    if ((k + 1) % 100_000 == 0) {
                        c.step();
                    }
                }
                c.step();
                progress("grouped-sum: %,d groups loaded", groups);
                for (int s = 0; s < warmup; s++) {
                    feed(c, "t", random, delta, groups);
                    c.step();
                }
                Map<String, String> l = labels("groups", groups, "delta", delta, "workers", workers);
                return timeSteps(c, "sums", steps, delta, () -> feed(c, "t", random, delta, groups), "grouped_sum", "updates", l);
            } finally {
                c.close();
            }
        }
    }

    /**
     * Incremental inner join {@code a JOIN b ON a.k = b.k}: {@code --rows} rows on each side with
     * keys 0..rows-1 loaded unmeasured, then {@code --steps} deltas of {@code --delta} inserted rows,
     * half on each side, random keys, timed (append included).
     */
    static final class Join implements Scenario {
        @Override
        public String name() {
            return "join";
        }

        @Override
        public String description() {
            return "engine: incremental inner join, input updates/s (--rows 1000000 --delta 10000 --steps 100 --workers 1)";
        }

        @Override
        public Set<String> options() {
            return Set.of("rows", "delta", "steps", "workers", "warmup-steps");
        }

        @Override
        public List<ResultLine> run(BenchArguments args) {
            int rows = args.positiveInt("rows", 1_000_000);
            int delta = args.positiveInt("delta", 10_000);
            int steps = args.positiveInt("steps", 100);
            int warmup = args.positiveInt("warmup-steps", 30);
            int workers = args.positiveInt("workers", 1);
            CircuitBuilder b = new CircuitBuilder();
            CircuitBuilder.Stream left = b.input("a").indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)));
            CircuitBuilder.Stream right = b.input("b").indexBy(r -> Row.of(r.get(0)), r -> Row.of(r.get(1)));
            b.output("joined", left.join(right, (k, l, r) -> Row.of(k.get(0), l.get(0), r.get(0))), false);
            Circuit c = b.build(workers);
            try {
                SplittableRandom random = new SplittableRandom(42);
                for (long k = 0; k < rows; k++) {
                    c.append("a", Row.of(k, random.nextLong(1_000_000)), 1);
                    c.append("b", Row.of(k, random.nextLong(1_000_000)), 1);
                    if ((k + 1) % 100_000 == 0) {
                        c.step();
                    }
                }
                c.step();
                progress("join: %,d rows per side loaded", rows);
                for (int s = 0; s < warmup; s++) {
                    feed(c, "a", random, delta / 2, rows);
                    feed(c, "b", random, delta - delta / 2, rows);
                    c.step();
                }
                Map<String, String> l = labels("rows", rows, "delta", delta, "workers", workers);
                return timeSteps(c, "joined", steps, delta, () -> {
                    feed(c, "a", random, delta / 2, rows);
                    feed(c, "b", random, delta - delta / 2, rows);
                }, "join", "input_updates", l);
            } finally {
                c.close();
            }
        }
    }

    /**
     * Retained heap of a trace of {@code --rows} distinct (BIGINT, BIGINT) rows with weights: a
     * spine fed sorted 1,000,000-row batches (as an integrate operator holds a table), measured as
     * heap used after a full GC with the spine held, minus heap used after a full GC before.
     */
    static final class TraceMemory implements Scenario {
        @Override
        public String name() {
            return "trace-memory";
        }

        @Override
        public String description() {
            return "engine: retained heap per (BIGINT, BIGINT) row of a trace (--rows 10000000; needs -Xmx4g)";
        }

        @Override
        public Set<String> options() {
            return Set.of("rows");
        }

        @Override
        public List<ResultLine> run(BenchArguments args) {
            int rows = args.positiveInt("rows", 10_000_000);
            long before = usedAfterGc();
            Spine spine = new Spine();
            SplittableRandom random = new SplittableRandom(42);
            int chunk = 1_000_000;
            for (int from = 0; from < rows; from += chunk) {
                int n = Math.min(chunk, rows - from);
                Batch.Builder builder = Batch.builder(n);
                for (long k = from; k < from + n; k++) {
                    builder.add(Row.of(k, random.nextLong(1_000_000)), 1);
                }
                spine.insert(builder.build());
            }
            long after = usedAfterGc();
            long entries = spine.entryCount();
            double perRow = (after - before) / (double) entries;
            progress("trace-memory: %,d entries in %d batches, %,d bytes retained", entries, spine.batches().size(), after - before);
            Map<String, String> l = labels("rows", rows);
            List<ResultLine> out = List.of(new ResultLine("trace_bytes_per_row", l, perRow, "bytes"),
                    new ResultLine("trace_retained_bytes", l, after - before, "bytes"));
            if (spine.isEmpty()) {
                throw new IllegalStateException("unreachable: keeps the spine alive through the measurement");
            }
            return out;
        }

        private static long usedAfterGc() {
            long used = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                System.gc();
                used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            return used;
        }
    }

    /**
     * Checkpoints of a table of {@code --rows} rows (an upsert input, key k, row (k, v)), loaded in
     * 1,000,000-row steps, written to batch files under {@code --dir} the way the pipeline's store
     * writes them (each batch once, 64 KiB buffered, fsync). Measures the full checkpoint, one after
     * a {@code --change-percent} update, a plain sequential write + fsync of the full checkpoint's
     * byte count, the restore (manifest and every batch read back into a circuit) and a plain
     * sequential read of the same files. Reads come from the page cache (no root to drop it).
     */
    static final class Checkpoint implements Scenario {
        @Override
        public String name() {
            return "checkpoint";
        }

        @Override
        public String description() {
            return "engine: checkpoint bytes after a 1% change vs full, write and restore rates vs plain file I/O"
                    + " (--rows 10000000 --change-percent 1 --dir target/checkpoint-bench; needs -Xmx6g)";
        }

        @Override
        public Set<String> options() {
            return Set.of("rows", "change-percent", "dir", "workers");
        }

        @Override
        public List<ResultLine> run(BenchArguments args) throws IOException {
            int rows = args.positiveInt("rows", 10_000_000);
            int percent = args.positiveInt("change-percent", 1);
            int workers = args.positiveInt("workers", 1);
            Path dir = args.path("dir", "target/checkpoint-bench");
            deleteTree(dir);
            Files.createDirectories(dir);
            CircuitBuilder b = new CircuitBuilder();
            b.output("t", b.upsertInput("t", new int[] {0}), false);
            Circuit c = b.build(workers);
            Map<String, String> l = labels("rows", rows, "workers", workers);
            List<ResultLine> out = new ArrayList<>();
            try {
                SplittableRandom random = new SplittableRandom(42);
                for (long k = 0; k < rows; k++) {
                    c.append("t", Row.of(k, random.nextLong(1_000_000)), 1);
                    if ((k + 1) % 1_000_000 == 0) {
                        c.step();
                    }
                }
                c.step();
                progress("checkpoint: %,d rows loaded", rows);

                // Collect the loading's garbage first, so the timed phases pay for their own work only.
                System.gc();
                FileStore full = new FileStore(dir);
                long start = System.nanoTime();
                byte[] manifest = CircuitStateCodec.writeManifest(c.capture(), full);
                Files.write(dir.resolve("manifest-1"), manifest);
                double fullSeconds = (System.nanoTime() - start) / 1e9;
                long fullBytes = full.written + manifest.length;

                int changed = (int) ((long) rows * percent / 100);
                for (int i = 0; i < changed; i++) {
                    c.append("t", Row.of(random.nextLong(rows), random.nextLong(1_000_000)), 1);
                }
                c.step();
                FileStore incremental = new FileStore(dir);
                byte[] manifest2 = CircuitStateCodec.writeManifest(c.capture(), incremental);
                long incrementalBytes = incremental.written + manifest2.length;

                Path plain = dir.resolve("plain.bin");
                double plainWriteSeconds = plainWrite(plain, fullBytes);

                // Reads from disk: the files are dropped from the page cache first (only this run's
                // files, see evict), then read plainly and restored. Then the same from the cache.
                boolean fromDisk = evict(dir);
                double plainReadSeconds = plainRead(plain);
                evict(dir);
                double[] restore = restore(b, workers, manifest, dir);
                plainRead(plain); // the second evict dropped it again: read once into the cache, untimed
                double plainCachedSeconds = plainRead(plain);
                double[] restoreCached = restore(b, workers, manifest, dir);
                progress("checkpoint: full %,d bytes in %.2f s; after %d%%: %,d bytes; plain write %.2f s;"
                        + " %s: plain read %.2f s, restore %,.0f bytes in %.2f s; page cache: plain read %.3f s, restore %.2f s",
                        fullBytes, fullSeconds, percent, incrementalBytes, plainWriteSeconds,
                        fromDisk ? "from disk" : "from the page cache (could not evict)", plainReadSeconds, restore[0], restore[1],
                        plainCachedSeconds, restoreCached[1]);
                out.add(new ResultLine("checkpoint_full_bytes", l, fullBytes, "bytes"));
                out.add(new ResultLine("checkpoint_incremental_bytes", l, incrementalBytes, "bytes"));
                out.add(new ResultLine("checkpoint_incremental_percent_of_full", l, 100.0 * incrementalBytes / fullBytes, "%"));
                out.add(new ResultLine("checkpoint_full_write_mb_per_sec", l, fullBytes / fullSeconds / 1e6, "MB/s"));
                out.add(new ResultLine("plain_write_fsync_mb_per_sec", l, fullBytes / plainWriteSeconds / 1e6, "MB/s"));
                out.add(new ResultLine("checkpoint_write_rate_vs_plain", l, plainWriteSeconds / fullSeconds, "ratio"));
                out.add(new ResultLine("reads_from_disk", l, fromDisk ? 1 : 0, "flag"));
                out.add(new ResultLine("restore_read_mb_per_sec", l, restore[0] / restore[1] / 1e6, "MB/s"));
                out.add(new ResultLine("plain_read_mb_per_sec", l, fullBytes / plainReadSeconds / 1e6, "MB/s"));
                out.add(new ResultLine("restore_read_rate_vs_plain",
                        l, (restore[0] / restore[1]) / (fullBytes / plainReadSeconds), "ratio"));
                out.add(new ResultLine("restore_cached_read_mb_per_sec", l, restoreCached[0] / restoreCached[1] / 1e6, "MB/s"));
                out.add(new ResultLine("plain_cached_read_mb_per_sec", l, fullBytes / plainCachedSeconds / 1e6, "MB/s"));
                out.add(new ResultLine("restore_cached_read_rate_vs_plain",
                        l, (restoreCached[0] / restoreCached[1]) / (fullBytes / plainCachedSeconds), "ratio"));
            } finally {
                c.close();
                deleteTree(dir);
            }
            return out;
        }

        private static double plainWrite(Path file, long bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            SplittableRandom random = new SplittableRandom(7);
            long start = System.nanoTime();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                long left = bytes;
                while (left > 0) {
                    buffer.clear();
                    while (buffer.remaining() >= 8) {
                        buffer.putLong(random.nextLong());
                    }
                    buffer.flip();
                    buffer.limit((int) Math.min(buffer.limit(), left));
                    left -= buffer.remaining();
                    while (buffer.hasRemaining()) {
                        ch.write(buffer);
                    }
                }
                ch.force(true);
            }
            return (System.nanoTime() - start) / 1e9;
        }

        /** Restores the checkpoint {@code manifest} into a fresh circuit: {bytes read, seconds}. */
        private static double[] restore(CircuitBuilder b, int workers, byte[] manifest, Path dir) throws IOException {
            Circuit restored = b.build(workers);
            try {
                ReadStore reader = new ReadStore(dir);
                System.gc();
                long start = System.nanoTime();
                restored.restore(CircuitStateCodec.readManifest(manifest, reader));
                return new double[] {reader.read, (System.nanoTime() - start) / 1e9};
            } finally {
                restored.close();
            }
        }

        /**
         * Drops this run's files (and only them) from the page cache, with GNU dd's
         * {@code iflag=nocache} (posix_fadvise DONTNEED on the file), so the next read comes from
         * the disk. False when that is not possible here; reads then come from the cache.
         */
        private static boolean evict(Path dir) throws IOException {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            try {
                for (Path f : files) {
                    Process p = new ProcessBuilder("dd", "if=" + f, "iflag=nocache", "count=0", "status=none")
                            .redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor() != 0) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static double plainRead(Path file) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            long start = System.nanoTime();
            long sum = 0;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                while (ch.read(buffer) > 0) {
                    buffer.flip();
                    sum += buffer.get(0);
                    buffer.clear();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return sum == Long.MIN_VALUE ? -1 : seconds;
        }

        private static void deleteTree(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Writes each batch once, like the pipeline's FileStateStore: 64 KiB buffered, then fsync. */
    private static final class FileStore implements StateStore {
        private final Path dir;
        long written;

        FileStore(Path dir) {
            this.dir = dir;
        }

        @Override
        public String putBatch(Batch batch) throws IOException {
            String name = batch.persistedName();
            if (name != null && Files.isRegularFile(dir.resolve(name))) {
                return name;
            }
            name = "b-" + batch.id() + ".batch";
            Path file = dir.resolve(name);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                BatchCodec.write(batch, out);
                out.flush();
                ch.force(true);
            }
            written += Files.size(file);
            batch.markPersisted(name);
            return name;
        }

        @Override
        public Batch getBatch(String name) {
            throw new UnsupportedOperationException("write-only");
        }
    }

    /** Reads batch files back, 64 KiB buffered, counting the bytes. */
    private static final class ReadStore implements StateStore {
        private final Path dir;
        long read;

        ReadStore(Path dir) {
            this.dir = dir;
        }

        @Override
        public String putBatch(Batch batch) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public Batch getBatch(String name) throws IOException {
            Path file = dir.resolve(name);
            read += Files.size(file);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                return BatchCodec.read(in);
            }
        }
    }
}
