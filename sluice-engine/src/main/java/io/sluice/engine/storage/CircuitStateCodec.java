package io.sluice.engine.storage;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.circuit.CircuitState;
import io.sluice.engine.circuit.OperatorState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link CircuitState} as batch files plus one small manifest, and reads it back.
 *
 * <p>Every batch goes through {@link StateStore#putBatch}, also one that already has a
 * {@link Batch#persistedName()}: the store does not write it again, but it must see it, because
 * it tracks which files each checkpoint references (retention deletes the rest). So a checkpoint
 * writes only the batches created since the last one; unchanged batches are referenced by name. The manifest (same framing as a batch file,
 * magic "SLCM") holds: zig-zag varint steps, varint operator count, then per operator its id,
 * varint batch count, the batch names, and its metadata bytes.
 */
public final class CircuitStateCodec {
    static final byte[] MAGIC = "SLCM".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    private CircuitStateCodec() {
    }

    /** Stores every batch of {@code state} not stored yet and returns the manifest that names them. */
    public static byte[] writeManifest(CircuitState state, StateStore store) throws IOException {
        requireNonNull(state, "state is null");
        requireNonNull(store, "store is null");
        Encoder encoder = new Encoder();
        encoder.writeSignedVarLong(state.steps());
        encoder.writeVarLong(state.operators().size());
        for (OperatorState op : state.operators()) {
            encoder.writeString(op.operatorId());
            encoder.writeVarLong(op.batches().size());
            for (Batch batch : op.batches()) {
                encoder.writeString(persist(batch, store));
            }
            encoder.writeBytes(op.metadata());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.finish(MAGIC, VERSION, out);
        return out.toByteArray();
    }

    /** Parses a manifest and fetches its batches from {@code store} (each distinct name once). */
    public static CircuitState readManifest(byte[] manifest, StateStore store) throws IOException {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(store, "store is null");
        Decoder decoder = Decoder.open("circuit state manifest", MAGIC, VERSION, new ByteArrayInputStream(manifest));
        long steps = decoder.readSignedVarLong();
        if (steps < 0) {
            throw decoder.malformed("negative step count " + steps);
        }
        int operatorCount = decoder.readLength(decoder.remaining());
        Map<String, Batch> fetched = new HashMap<>();
        List<OperatorState> operators = new ArrayList<>(operatorCount);
        for (int i = 0; i < operatorCount; i++) {
            String id = decoder.readString();
            int batchCount = decoder.readLength(decoder.remaining());
            List<Batch> batches = new ArrayList<>(batchCount);
            for (int j = 0; j < batchCount; j++) {
                String name = decoder.readString();
                Batch batch = fetched.get(name);
                if (batch == null) {
                    batch = store.getBatch(name);
                    if (batch.persistedName() == null) {
                        batch.markPersisted(name);
                    }
                    fetched.put(name, batch);
                }
                batches.add(batch);
            }
            operators.add(new OperatorState(id, batches, decoder.readBytes()));
        }
        if (!decoder.atEnd()) {
            throw decoder.malformed(decoder.remaining() + " trailing bytes");
        }
        return new CircuitState(steps, operators);
    }

    private static String persist(Batch batch, StateStore store) throws IOException {
        String name = requireNonNull(store.putBatch(batch), "putBatch returned null");
        if (batch.persistedName() == null) {
            batch.markPersisted(name);
        }
        return name;
    }
}
