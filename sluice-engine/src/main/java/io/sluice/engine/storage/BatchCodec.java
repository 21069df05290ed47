package io.sluice.engine.storage;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.ColumnarEncoding;
import io.sluice.engine.algebra.Row;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The binary file format of one batch. Version 2, written since the batch layout became columnar:
 * <pre>
 *   magic "SLBT" | version byte 2 | payload length (int32) | payload | CRC32C of payload (int32)
 *   payload = {@link ColumnarEncoding}: the key and value columns and the weights, primitive columns as
 *             little-endian arrays, other values tagged as in version 1
 * </pre>
 * Version 1, still read (checkpoints written before), stored entry by entry:
 * <pre>
 *   magic "SLBT" | version byte | payload length (int32) | payload | CRC32C of payload (int32)
 *   payload = varint entry count, then per entry: key row, value row, zig-zag varint weight
 *   row     = varint arity, then one tagged value per column
 *   value   = tag byte: 0 null | 1 boolean + byte | 2 int, 3 long: zig-zag varint | 4 double: 8 bytes
 *             | 5 decimal: zig-zag varint scale + varint length + unscaled two's complement bytes
 *             | 6 string: varint length + UTF-8 | 7 timestamp: zig-zag varint epoch seconds (UTC) + varint nanos
 * </pre>
 * Entries are written in batch order, so a decoded batch equals the encoded one.
 */
public final class BatchCodec {
    static final byte[] MAGIC = "SLBT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    private static final int ROW_BY_ROW_VERSION = 1;

    private BatchCodec() {
    }

    public static void write(Batch batch, OutputStream out) throws IOException {
        requireNonNull(batch, "batch is null");
        requireNonNull(out, "out is null");
        Encoder encoder = new Encoder();
        ColumnarEncoding.write(batch, encoder);
        encoder.finish(MAGIC, VERSION, out);
    }

    /** Reads one batch; a wrong header, a truncated file, a CRC mismatch or a malformed payload is an IOException. */
    public static Batch read(InputStream in) throws IOException {
        requireNonNull(in, "in is null");
        Decoder decoder = Decoder.open("batch", MAGIC, ROW_BY_ROW_VERSION, VERSION, in);
        if (decoder.version() == VERSION) {
            Batch batch = ColumnarEncoding.read(decoder);
            if (!decoder.atEnd()) {
                throw decoder.malformed(decoder.remaining() + " trailing bytes");
            }
            return batch;
        }
        int count = decoder.readLength(decoder.remaining());
        Batch.Builder builder = Batch.builder(count);
        for (int i = 0; i < count; i++) {
            Row key = decoder.readRow();
            Row val = decoder.readRow();
            long weight = decoder.readSignedVarLong();
            if (weight == 0) {
                throw decoder.malformed("zero weight");
            }
            builder.add(key, val, weight);
        }
        if (!decoder.atEnd()) {
            throw decoder.malformed(decoder.remaining() + " trailing bytes");
        }
        Batch batch = builder.build();
        if (batch.size() != count) {
            throw decoder.malformed("entries are not consolidated");
        }
        return batch;
    }
}
