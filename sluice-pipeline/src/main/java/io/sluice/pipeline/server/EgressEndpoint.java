package io.sluice.pipeline.server;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.OutputSubscriber;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.format.RowJsonWriter;
import io.sluice.sql.Relation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
        Subscription sub = new Subscription(backpressure);
        if (sendSnapshot) {
            controller.subscribeWithSnapshot(view.name(), sub);
        } else {
            controller.subscribe(view.name(), sub);
        }
        ex.startStream("application/json");
        ChunkEncoder encoder = new ChunkEncoder(view, format.equals("csv"));
        long sequence = 0;
        try {
            ex.writeChunk(new byte[0]);
            while (true) {
                Object item = sub.queue.poll(KEEP_ALIVE_MS, TimeUnit.MILLISECONDS);
                if (item == END) {
                    break;
                }
                long dropped = sub.dropped.getAndSet(0);
                if (item instanceof Snapshot snapshot) {
                    ex.writeChunk(encoder.encode(sequence++, snapshot.contents(), dropped, true));
                } else {
                    ex.writeChunk(encoder.encode(sequence++, (Batch) item, dropped, false));
                }
            }
            ex.endStream();
        } catch (IOException e) {
            LOG.debug("egress client of {} went away: {}", view.name(), e.getMessage());
            throw e;
        } finally {
            sub.closed = true;
            controller.unsubscribe(view.name(), sub);
        }
    }

    /** The first item of a stream asked for with {@code send_snapshot=true}. */
    private record Snapshot(Batch contents) {}

    /** Queues the view's changes between the circuit thread and the response thread. */
    private static final class Subscription implements OutputSubscriber {
        final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS + 1);
        final AtomicLong dropped = new AtomicLong();
        final boolean backpressure;
        volatile boolean closed;

        Subscription(boolean backpressure) {
            this.backpressure = backpressure;
        }

        @Override
        public void onSnapshot(Batch contents) {
            // The queue is empty when the snapshot comes: it is the subscription's first item.
            queue.offer(new Snapshot(contents));
        }

        @Override
        public void onDelta(long step, Batch delta) {
            if (!backpressure) {
                if (queue.remainingCapacity() <= 1 || !queue.offer(delta)) {
                    dropped.incrementAndGet();
                }
                return;
            }
            try {
                while (!closed && queue.remainingCapacity() <= 1) {
                    Thread.sleep(10);
                }
                if (!closed) {
                    queue.offer(delta);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onEnd() {
            // One slot is reserved for the end marker, so it always fits.
            if (!queue.contains(END)) {
                queue.offer(END);
            }
        }
    }

    /** Encodes one chunk of the egress stream. */
    private static final class ChunkEncoder {
        private final RowJsonWriter rows;
        private final boolean csv;

        ChunkEncoder(Relation view, boolean csv) {
            this.rows = new RowJsonWriter(view.columns());
            this.csv = csv;
        }

        /** A keep-alive when {@code delta} is null. */
        byte[] encode(long sequence, Batch delta, long dropped, boolean snapshot) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator gen = Exchange.JSON.getFactory().createGenerator(out)) {
                gen.writeStartObject();
                gen.writeNumberField("sequence_number", sequence);
                gen.writeBooleanField("snapshot", snapshot);
                if (dropped > 0) {
                    gen.writeNumberField("dropped_chunks", dropped);
                }
                if (delta != null) {
                    if (csv) {
                        gen.writeStringField("text_data", csvText(delta));
                    } else {
                        gen.writeArrayFieldStart("json_data");
                        writeEvents(gen, delta, true);
                        writeEvents(gen, delta, false);
                        gen.writeEndArray();
                    }
                }
                gen.writeEndObject();
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }

        private void writeEvents(JsonGenerator gen, Batch delta, boolean deletes) throws IOException {
            for (int i = 0; i < delta.size(); i++) {
                long w = delta.weight(i);
                if ((w < 0) != deletes) {
                    continue;
                }
                for (long n = Math.abs(w); n > 0; n--) {
                    gen.writeStartObject();
                    gen.writeFieldName(deletes ? "delete" : "insert");
                    rows.write(gen, delta.key(i));
                    gen.writeEndObject();
                }
            }
        }

        private static String csvText(Batch delta) {
            StringBuilder s = new StringBuilder();
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < delta.size(); i++) {
                    long w = delta.weight(i);
                    if ((w < 0) != (pass == 0)) {
                        continue;
                    }
                    Row row = delta.key(i);
                    for (int c = 0; c < row.arity(); c++) {
                        s.append(csvField(row.get(c))).append(',');
                    }
                    s.append(w).append('\n');
                }
            }
            return s.toString();
        }

        private static String csvField(Object v) {
            if (v == null) {
                return "";
            }
            String t = v instanceof java.math.BigDecimal d ? d.toPlainString()
                    : v instanceof java.time.LocalDateTime ts ? io.sluice.pipeline.format.RowJsonWriter.formatTimestamp(ts)
                    : v.toString();
            if (t.indexOf(',') >= 0 || t.indexOf('"') >= 0 || t.indexOf('\n') >= 0) {
                return '"' + t.replace("\"", "\"\"") + '"';
            }
            return t;
        }
    }
}
