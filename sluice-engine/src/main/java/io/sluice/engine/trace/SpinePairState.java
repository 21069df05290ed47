package io.sluice.engine.trace;

import io.sluice.engine.algebra.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * The saved form of an operator that holds two traces: the batches of the first, then those of the
 * second, plus 4 metadata bytes (big-endian) that count the first trace's batches.
 */
public final class SpinePairState {
    private SpinePairState() {
    }

    public static List<Batch> batches(Spine first, Spine second) {
        List<Batch> all = new ArrayList<>(first.batches());
        all.addAll(second.batches());
        return all;
    }

    public static byte[] metadata(Spine first) {
        int n = first.batches().size();
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    /** The number of batches of the first trace in {@code batches}, read from {@code metadata}. */
    public static int firstCount(String what, List<Batch> batches, byte[] metadata) {
        if (metadata.length != 4) {
            throw new IllegalArgumentException(what + " state metadata must be 4 bytes: " + metadata.length);
        }
        int n = ((metadata[0] & 0xff) << 24) | ((metadata[1] & 0xff) << 16) | ((metadata[2] & 0xff) << 8)
                | (metadata[3] & 0xff);
        if (n < 0 || n > batches.size()) {
            throw new IllegalArgumentException(what + " state names " + n + " batches of its first trace, of " + batches.size());
        }
        return n;
    }
}
