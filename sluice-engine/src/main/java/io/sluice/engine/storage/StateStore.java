package io.sluice.engine.storage;

import io.sluice.engine.algebra.Batch;
import java.io.IOException;

/**
 * Where checkpointed batches live; implemented by the storage layer outside the engine. Batch files
 * are immutable: a batch is written once and then referenced by name from every checkpoint that
 * still holds it.
 */
public interface StateStore {
    /**
     * Called for every batch a checkpoint references, in every checkpoint. Writes the batch if it is
     * not stored yet and returns its name; a batch with a persistedName whose file exists is only
     * recorded as referenced, not written again.
     */
    String putBatch(Batch batch) throws IOException;

    /** Reads the batch stored under {@code name}, marked as persisted under that name. */
    Batch getBatch(String name) throws IOException;
}
