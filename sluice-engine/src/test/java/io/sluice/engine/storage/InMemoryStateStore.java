package io.sluice.engine.storage;

import io.sluice.engine.algebra.Batch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** A {@link StateStore} over a map of encoded batch files, counting the files it really writes. */
public final class InMemoryStateStore implements StateStore {
    private final Map<String, byte[]> files = new HashMap<>();
    private int writes;

    @Override
    public String putBatch(Batch batch) throws IOException {
        if (batch.persistedName() != null) {
            return batch.persistedName();
        }
        String name = "batch-" + files.size() + ".slb";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchCodec.write(batch, out);
        files.put(name, out.toByteArray());
        writes++;
        batch.markPersisted(name);
        return name;
    }

    @Override
    public Batch getBatch(String name) throws IOException {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new IOException("no batch file " + name);
        }
        Batch batch = BatchCodec.read(new ByteArrayInputStream(bytes));
        batch.markPersisted(name);
        return batch;
    }

    public int writes() {
        return writes;
    }

    public int fileCount() {
        return files.size();
    }
}
