package io.sluice.pipeline.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.OutputEndpoint;
import io.sluice.pipeline.controller.OutputSubscriber;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.format.RowJsonWriter;
import io.sluice.sql.Relation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /egress/{view}}: a chunked stream of the view's changes, one JSON object per chunk
 * followed by {@code \r\n}: {@code {"sequence_number": n, "json_data": [{"delete": row}, ..., {"insert": row}]}}
 * (deletions first), or {@code "text_data"} CSV with the weight as last column for {@code format=csv}.
 * After 3 s without data a chunk with no data keeps the connection alive.
 *
 * <p>With {@code send_snapshot=true} (materialized views only) the first chunk, marked
 * {@code "snapshot": true}, holds the view's whole contents, and the changes follow it.
 *
 * <p>By default a slow client never slows the pipeline: when its queue of 100 chunks is full, a
 * chunk is dropped, and the next chunk says how many were ({@code "dropped_chunks"}). With
 * {@code backpressure=true} the circuit waits for the client instead. When the pipeline stops, the
 * stream delivers every change it was handed (up to the final checkpoint) and then ends cleanly.
 *
 * <p>Each stream is an output endpoint named {@code {view}.api-{uuid}} in {@code /stats} while it is
 * connected. A large change (or snapshot) is split into chunks of at most 10,000 records or about
 * 1 MiB.
 */
final class EgressEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(EgressEndpoint.class);
    private static final int QUEUE_CHUNKS = 100;
    private static final long KEEP_ALIVE_MS = 3000;
    private static final Object END = new Object();

    private final Pipeline pipeline;

    EgressEndpoint(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    void handle(Exchange ex, String viewName) throws IOException, InterruptedException {
        Controller controller = pipeline.controller();
        Relation view = pipeline.program().view(viewName)
                .or(() -> pipeline.program().table(viewName).filter(Relation::materialized))
                .orElseThrow(() -> new SluiceException(ErrorCode.UNKNOWN_OUTPUT_STREAM,
                        "There is no view named '" + viewName + "' in the program.", Map.of("name", viewName)));
        String format = ex.param("format") == null ? "json" : ex.param("format");
        if (!format.equals("json") && !format.equals("csv")) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "egress format must be json or csv, not '" + format + "'",
                    Map.of("error", "unsupported format"));
        }
        boolean backpressure = ex.booleanParam("backpressure");
        boolean sendSnapshot = ex.booleanParam("send_snapshot");
        if (sendSnapshot && !view.materialized()) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "send_snapshot needs a materialized view; "
                    + view.name() + " is not (CREATE MATERIALIZED VIEW)", Map.of("error", "not materialized"));
        }
        OutputEndpoint endpoint = controller.endpoints().addOutput(view.name() + ".api-" + UUID.randomUUID(), view.name());
        Subscription sub = new Subscription(backpressure, endpoint);
        try {
            if (sendSnapshot) {
                controller.subscribeWithSnapshot(view.name(), sub);
            } else {
                controller.subscribe(view.name(), sub);
            }
            ex.startStream("application/json");
            stream(ex, sub, new ChunkEncoder(view, format.equals("csv")));
        } catch (IOException e) {
            LOG.debug("egress client of {} went away: {}", view.name(), e.getMessage());
            endpoint.recordTransportError("writing to the client failed: " + e);
            throw e;
        } finally {
            sub.closed = true;
            controller.unsubscribe(view.name(), sub);
            controller.endpoints().removeOutput(endpoint);
        }
    }

    private static void stream(Exchange ex, Subscription sub, ChunkEncoder encoder) throws IOException, InterruptedException {
        OutputEndpoint endpoint = sub.endpoint;
        ChunkSink sink = (chunk, records) -> {
            ex.writeChunk(chunk);
            endpoint.transmitted(records, chunk.length);
        };
        ex.writeChunk(new byte[0]);
        while (true) {
            Object item = sub.queue.poll(KEEP_ALIVE_MS, TimeUnit.MILLISECONDS);
            if (item == END) {
                break;
            }
            long dropped = sub.dropped.getAndSet(0);
            if (item == null) {
                sink.accept(encoder.keepAlive(dropped), 0);
                continue;
            }
            boolean snapshot = item instanceof Snapshot;
            Batch batch = snapshot ? ((Snapshot) item).contents() : (Batch) item;
            endpoint.batchDequeued(batch.size());
            try {
                encoder.encode(batch, snapshot, dropped, sink);
            } catch (RuntimeException | JsonProcessingException e) {
                LOG.warn("egress: could not encode a change of {}: {}", endpoint.stream(), e.toString());
                endpoint.recordEncodeError(e.toString());
            }
        }
        ex.endStream();
    }

    /** The first item of a stream asked for with {@code send_snapshot=true}. */
    private record Snapshot(Batch contents) {}

    /** Where encoded chunks go: written to the client, then counted. */
    private interface ChunkSink {
        void accept(byte[] chunk, long records) throws IOException;
    }

    /** Queues the view's changes between the circuit thread and the response thread. */
    private static final class Subscription implements OutputSubscriber {
        final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS + 1);
        final AtomicLong dropped = new AtomicLong();
        final boolean backpressure;
        final OutputEndpoint endpoint;
        volatile boolean closed;

        Subscription(boolean backpressure, OutputEndpoint endpoint) {
            this.backpressure = backpressure;
            this.endpoint = endpoint;
        }

        @Override
        public void onSnapshot(Batch contents) {
            // The queue is empty when the snapshot comes: it is the subscription's first item.
            endpoint.batchQueued(contents.size());
            queue.offer(new Snapshot(contents));
        }

        @Override
        public void onDelta(long step, Batch delta) {
            if (!backpressure) {
                if (queue.remainingCapacity() <= 1) {
                    drop();
                } else {
                    endpoint.batchQueued(delta.size());
                    if (!queue.offer(delta)) {
                        endpoint.batchDequeued(delta.size());
                        drop();
                    }
                }
                return;
            }
            try {
                while (!closed && queue.remainingCapacity() <= 1) {
                    Thread.sleep(10);
                }
                if (!closed) {
                    endpoint.batchQueued(delta.size());
                    queue.offer(delta);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void drop() {
            dropped.incrementAndGet();
            endpoint.batchDropped();
        }

        @Override
        public void onEnd() {
            // One slot is reserved for the end marker, so it always fits.
            if (!queue.contains(END)) {
                queue.offer(END);
            }
        }
    }

    /**
     * Encodes the egress stream's chunks and numbers them. A change larger than
     * {@link #MAX_CHUNK_RECORDS} records or about {@link #MAX_CHUNK_BYTES} bytes is split over several
     * chunks, all deletions before all insertions, so neither side holds a huge chunk in memory.
     */
    static final class ChunkEncoder {
        static final int MAX_CHUNK_RECORDS = 10_000;
        static final int MAX_CHUNK_BYTES = 1 << 20;

        private final RowJsonWriter rows;
        private final boolean csv;
        private long nextSequence;

        ChunkEncoder(Relation view, boolean csv) {
            this.rows = new RowJsonWriter(view.columns());
            this.csv = csv;
        }

        byte[] keepAlive(long dropped) throws IOException {
            return new Chunk(false, dropped, false).finish();
        }

        /**
         * Encodes {@code delta} into one or more chunks and hands each to {@code sink} as soon as it is
         * full. {@code dropped} goes into the first. An empty delta is one chunk with no rows.
         */
        void encode(Batch delta, boolean snapshot, long dropped, ChunkSink sink) throws IOException {
            Chunk chunk = null;
            boolean any = false;
            for (int pass = 0; pass < 2; pass++) {
                boolean deletes = pass == 0;
                for (int i = 0; i < delta.size(); i++) {
                    long w = delta.weight(i);
                    if ((w < 0) != deletes) {
                        continue;
                    }
                    // JSON repeats a row |w| times; CSV writes it once with its weight.
                    for (long n = csv ? 1 : Math.abs(w); n > 0; n--) {
                        if (chunk == null) {
                            chunk = new Chunk(snapshot, any ? 0 : dropped, true);
                            any = true;
                        }
                        chunk.add(delta.key(i), deletes, w);
                        if (chunk.full()) {
                            sink.accept(chunk.finish(), chunk.records);
                            chunk = null;
                        }
                    }
                }
            }
            if (chunk != null) {
                sink.accept(chunk.finish(), chunk.records);
            } else if (!any) {
                sink.accept(new Chunk(snapshot, dropped, true).finish(), 0);
            }
        }

        /** One chunk being built: {@code {"sequence_number", "snapshot", "dropped_chunks"?, "json_data"|"text_data"}\r\n}. */
        private final class Chunk {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final JsonGenerator gen;
            final StringBuilder text = new StringBuilder();
            final boolean data;
            int records;

            Chunk(boolean snapshot, long dropped, boolean data) throws IOException {
                this.data = data;
                gen = Exchange.JSON.getFactory().createGenerator(out);
                gen.writeStartObject();
                gen.writeNumberField("sequence_number", nextSequence++);
                gen.writeBooleanField("snapshot", snapshot);
                if (dropped > 0) {
                    gen.writeNumberField("dropped_chunks", dropped);
                }
                if (data && !csv) {
                    gen.writeArrayFieldStart("json_data");
                }
            }

            void add(Row row, boolean delete, long weight) throws IOException {
                records++;
                if (csv) {
                    CsvRowWriter.append(text, row);
                    text.append(',').append(weight).append('\n');
                } else {
                    gen.writeStartObject();
                    gen.writeFieldName(delete ? "delete" : "insert");
                    rows.write(gen, row);
                    gen.writeEndObject();
                }
            }

            boolean full() {
                long bytes = csv ? text.length() : out.size() + gen.getOutputBuffered();
                return records >= MAX_CHUNK_RECORDS || bytes >= MAX_CHUNK_BYTES;
            }

            byte[] finish() throws IOException {
                if (data) {
                    if (csv) {
                        gen.writeStringField("text_data", text.toString());
                    } else {
                        gen.writeEndArray();
                    }
                }
                gen.writeEndObject();
                gen.close();
                out.write('\r');
                out.write('\n');
                return out.toByteArray();
            }
        }
    }
}
