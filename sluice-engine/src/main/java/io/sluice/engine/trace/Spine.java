package io.sluice.engine.trace;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * A trace: the sum of a list of immutable batches, merged LSM style.
 *
 * <p>Invariant: batches are held oldest first, none is empty, and after every {@link #insert}
 * each batch is more than twice the size of the next newer one, so a spine of n entries holds
 * O(log n) batches. Merging happens in the foreground, inside {@code insert}.
 *
 * <p>The batch list is replaced, never changed in place, so {@link #batches()} can be handed to a
 * checkpoint or another thread without copying. A spine itself belongs to one thread.
 */
public final class Spine {
    private List<Batch> batches = List.of();
    private EntryFilter retain;

    public Spine() {
    }

    /** A spine holding exactly {@code batches} (oldest first), as captured by {@link #batches()}. */
    public static Spine of(List<Batch> batches) {
        Spine spine = new Spine();
        List<Batch> kept = new ArrayList<>();
        for (Batch batch : batches) {
            if (!requireNonNull(batch, "batch is null").isEmpty()) {
                kept.add(batch);
            }
        }
        spine.batches = List.copyOf(kept);
        return spine;
    }

    /** Adds {@code batch} to the trace, then merges the newest batches while they are of similar size. */
    public void insert(Batch batch) {
        requireNonNull(batch, "batch is null");
        Batch added = filtered(batch);
        if (added.isEmpty()) {
            return;
        }
        List<Batch> next = new ArrayList<>(batches.size() + 1);
        next.addAll(batches);
        next.add(added);
        while (next.size() >= 2) {
            int n = next.size();
            Batch older = next.get(n - 2);
            Batch newer = next.get(n - 1);
            if (older.size() > 2L * newer.size()) {
                break;
            }
            next.remove(n - 1);
            next.remove(n - 2);
            Batch merged = filtered(older.plus(newer));
            if (!merged.isEmpty()) {
                next.add(merged);
            }
        }
        batches = List.copyOf(next);
    }

    /**
     * Installs a retention filter: from now on, entries for which {@code keep} is false are dropped
     * from every batch this spine inserts or merges. Dropping is lazy (an entry already in a batch
     * stays until that batch takes part in a merge), so callers must never ask for such entries
     * again; the filter only tells the spine it may forget them. {@code null} removes the filter.
     */
    public void retain(EntryFilter keep) {
        this.retain = keep;
    }

    private Batch filtered(Batch batch) {
        EntryFilter keep = retain;
        if (keep == null || batch.isEmpty()) {
            return batch;
        }
        int first = 0;
        while (first < batch.size() && keep.keep(batch.key(first), batch.val(first))) {
            first++;
        }
        if (first == batch.size()) {
            return batch;
        }
        int[] kept = new int[batch.size()];
        int n = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (i < first || (i > first && keep.keep(batch.key(i), batch.val(i)))) {
                kept[n++] = i;
            }
        }
        return batch.select(kept, n);
    }

    /** The batches of the trace, oldest first; an immutable list of immutable batches. */
    public List<Batch> batches() {
        return batches;
    }

    public boolean isEmpty() {
        return batches.isEmpty();
    }

    /** The number of stored entries, before cancelling entries of different batches. */
    public long entryCount() {
        long n = 0;
        for (Batch batch : batches) {
            n += batch.size();
        }
        return n;
    }

    /** A cursor over the sum of all batches: weights of equal (key, value) added, zeros skipped. */
    public Cursor cursor() {
        List<Batch> snapshot = batches;
        if (snapshot.size() == 1) {
            return snapshot.get(0).cursor();
        }
        return new MergingCursor(snapshot);
    }

    /** The whole trace as one consolidated batch. */
    public Batch consolidated() {
        return consolidate(batches);
    }

    /** The sum of {@code batches} as one consolidated batch. */
    public static Batch consolidate(List<Batch> batches) {
        Batch sum = Batch.empty();
        for (Batch batch : batches) {
            sum = sum.plus(batch);
        }
        return sum;
    }

    /** Visits every (value, weight) of {@code key}, consolidated across batches, in value order. */
    public void lookup(Row key, ValueConsumer consumer) {
        requireNonNull(key, "key is null");
        lookup(batches, null, key, consumer);
    }

    /**
     * The values of {@code key} in {@code batches}, consolidated across them, in value order. With
     * {@code pos}, each batch is searched forward from {@code pos[b]}, which is left at the key's
     * first entry (or where it would be); without, each batch is binary searched from its start.
     */
    private static void lookup(List<Batch> batches, int[] pos, Row key, ValueConsumer consumer) {
        int n = batches.size();
        int[] start = pos != null ? pos : new int[n];
        Batch only = null;
        int onlyStart = -1;
        int hits = 0;
        for (int b = 0; b < n; b++) {
            Batch batch = batches.get(b);
            int i = pos != null ? batch.seekForward(key, pos[b]) : batch.lowerBound(key, 0);
            start[b] = i;
            if (i < batch.size() && batch.compareKey(i, key) == 0) {
                hits++;
                only = batch;
                onlyStart = i;
            }
        }
        if (hits == 0) {
            return;
        }
        if (hits == 1) {
            for (int i = onlyStart; i < only.size() && only.compareKey(i, key) == 0; i++) {
                consumer.accept(only.val(i), only.weight(i));
            }
            return;
        }
        Batch.Builder builder = Batch.builder();
        for (int b = 0; b < n; b++) {
            Batch batch = batches.get(b);
            for (int i = start[b]; i < batch.size() && batch.compareKey(i, key) == 0; i++) {
                builder.add(key, batch.val(i), batch.weight(i));
            }
        }
        Batch merged = builder.build();
        for (int i = 0; i < merged.size(); i++) {
            consumer.accept(merged.val(i), merged.weight(i));
        }
    }

    /** The single value a lookup of {@code key} visits with weight 1, or null when it visits none. */
    private static Row one(Row key, java.util.function.Consumer<ValueConsumer> lookup) {
        Row[] found = new Row[1];
        lookup.accept((val, weight) -> {
            if (weight != 1 || found[0] != null) {
                throw new IllegalStateException("key " + key + " does not map to one value: " + val + " x" + weight);
            }
            found[0] = val;
        });
        return found[0];
    }

    /**
     * A reader for keys looked up in ascending order (the keys of a sorted delta): each batch is
     * searched forward from where the previous key was found, so a step's probes cost about a
     * galloping search over the gap between neighbouring keys instead of a binary search of the
     * whole batch. It reads the batches of the moment it was made.
     */
    public Probe probe() {
        return new Probe(batches);
    }

    /** See {@link #probe()}. */
    public static final class Probe {
        private final List<Batch> snapshot;
        private final int[] pos;

        private Probe(List<Batch> snapshot) {
            this.snapshot = snapshot;
            this.pos = new int[snapshot.size()];
        }

        /**
         * Visits every (value, weight) of {@code key}, consolidated across batches, in value order,
         * like {@link Spine#lookup}; keys must come in ascending order.
         */
        public void lookup(Row key, ValueConsumer consumer) {
            Spine.lookup(snapshot, pos, key, consumer);
        }

        /** The single value of {@code key} with weight 1, or null; keys must come in ascending order. */
        public Row lookupOne(Row key) {
            return one(key, consumer -> lookup(key, consumer));
        }
    }

    /** The single value of {@code key} with weight 1, or null if the key is absent; for traces that map keys to one row. */
    public Row lookupOne(Row key) {
        return one(key, consumer -> lookup(key, consumer));
    }

    /**
     * Visits the values of {@code key} in ascending (or, with {@code descending}, descending) value
     * order, each with its weight summed across batches, skipping values whose weights cancel,
     * until {@code visitor} returns false. Costs a binary search per batch plus the values visited,
     * so MIN and MAX over a value-sorted trace stop at the first value that qualifies.
     */
    public void scanValues(Row key, boolean descending, ValueVisitor visitor) {
        requireNonNull(key, "key is null");
        List<Batch> snapshot = batches;
        int n = snapshot.size();
        int[] pos = new int[n];
        int[] end = new int[n];
        int step = descending ? -1 : 1;
        for (int b = 0; b < n; b++) {
            Batch batch = snapshot.get(b);
            int lo = batch.lowerBound(key, 0);
            int hi = batch.upperBound(key, lo);
            pos[b] = descending ? hi - 1 : lo;
            end[b] = descending ? lo - 1 : hi;
        }
        while (true) {
            Row next = null;
            for (int b = 0; b < n; b++) {
                if (pos[b] != end[b]) {
                    Row val = snapshot.get(b).val(pos[b]);
                    if (next == null || (descending ? val.compareTo(next) > 0 : val.compareTo(next) < 0)) {
                        next = val;
                    }
                }
            }
            if (next == null) {
                return;
            }
            long weight = 0;
            for (int b = 0; b < n; b++) {
                if (pos[b] != end[b] && snapshot.get(b).compareVal(pos[b], next) == 0) {
                    weight = Math.addExact(weight, snapshot.get(b).weight(pos[b]));
                    pos[b] += step;
                }
            }
            if (weight != 0 && !visitor.visit(next, weight)) {
                return;
            }
        }
    }

    /** Receives the values of a {@link #scanValues} walk; returns false to stop it. */
    @FunctionalInterface
    public interface ValueVisitor {
        boolean visit(Row val, long weight);
    }

    /** The consolidated weight of one (key, value) entry; 0 when absent. Two binary searches per batch. */
    public long weight(Row key, Row val) {
        requireNonNull(val, "val is null");
        long total = 0;
        for (Batch batch : batches) {
            int lo = batch.lowerBound(key, 0);
            int hi = batch.upperBound(key, lo);
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (batch.compareVal(mid, val) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if (lo < batch.size() && batch.compareKey(lo, key) == 0 && batch.compareVal(lo, val) == 0) {
                total = Math.addExact(total, batch.weight(lo));
            }
        }
        return total;
    }

    /** Decides which entries a spine keeps, see {@link #retain}. */
    @FunctionalInterface
    public interface EntryFilter {
        boolean keep(Row key, Row val);
    }

    /** Receives the values of one key. */
    @FunctionalInterface
    public interface ValueConsumer {
        void accept(Row val, long weight);
    }
}
