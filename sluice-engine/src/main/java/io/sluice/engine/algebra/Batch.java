package io.sluice.engine.algebra;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An immutable, consolidated indexed Z-set: entries (key, value, weight) sorted by key then value,
 * at most one entry per distinct (key, value), and no zero weights. A plain Z-set of rows is a
 * batch whose values are all {@link Row#EMPTY}.
 *
 * <p>Only {@link Builder} makes batches, so every batch is consolidated by construction. Weight
 * arithmetic is checked: an overflow throws {@link ArithmeticException} instead of wrapping.
 *
 * <p>Every batch has a process-unique {@link #id()}. Storage uses it to write a batch to disk once
 * and to reference the same file from every later checkpoint that still holds the batch
 * ({@link #persistedName()}).
 */
public final class Batch {
    private static final AtomicLong NEXT_ID = new AtomicLong();
    private static final Batch EMPTY = new Batch(Rows.NONE, Rows.NONE, new long[0]);

    private final Rows keys;
    private final Rows vals;
    private final long[] weights;
    private final long id = NEXT_ID.incrementAndGet();
    private volatile String persistedName;

    private Batch(Rows keys, Rows vals, long[] weights) {
        this.keys = keys;
        this.vals = vals;
        this.weights = weights;
    }

    public static Batch empty() {
        return EMPTY;
    }

    /** A batch over stored columns that the caller has checked to be consolidated and sorted. */
    static Batch of(Rows keys, Rows vals, long[] weights) {
        return weights.length == 0 ? EMPTY : new Batch(keys, vals, weights);
    }

    Rows keys() {
        return keys;
    }

    Rows vals() {
        return vals;
    }

    long[] weights() {
        return weights;
    }

    public static Builder builder() {
        return new Builder(16);
    }

    public static Builder builder(int expectedSize) {
        return new Builder(expectedSize);
    }

    /** A Z-set of one row with weight {@code weight}. */
    public static Batch ofRow(Row row, long weight) {
        return builder(1).add(row, weight).build();
    }

    public int size() {
        return weights.length;
    }

    public boolean isEmpty() {
        return weights.length == 0;
    }

    /**
     * The key of entry {@code i}. Keys are stored by column, so this makes a new {@link Row}:
     * to compare or test a key, prefer {@link #compareKey} and {@link #sameKey}, which read the
     * columns directly.
     */
    public Row key(int i) {
        return keys.get(i);
    }

    /** The value of entry {@code i}; a new {@link Row}, like {@link #key}. */
    public Row val(int i) {
        return vals.get(i);
    }

    /** Orders the key of entry {@code i} against {@code key}, as {@link Row#compareTo} does. */
    public int compareKey(int i, Row key) {
        return keys.compare(i, key);
    }

    /** Orders the value of entry {@code i} against {@code val}, as {@link Row#compareTo} does. */
    public int compareVal(int i, Row val) {
        return vals.compare(i, val);
    }

    /** Approximate heap bytes per entry: key and value columns plus the weight. */
    public double bytesPerEntry() {
        return keys.bytesPerRow() + vals.bytesPerRow() + 8;
    }

    public long weight(int i) {
        return weights[i];
    }

    public long id() {
        return id;
    }

    /** The storage name under which this batch was written, or null if it was never written. */
    public String persistedName() {
        return persistedName;
    }

    /** Records that this batch is stored under {@code name}. */
    public void markPersisted(String name) {
        this.persistedName = Objects.requireNonNull(name, "name is null");
    }

    /** Index of the first entry whose key is at or after {@code key}. */
    public int lowerBound(Row key, int from) {
        return keys.search(key, from, weights.length, false);
    }

    /**
     * Like {@link #lowerBound}, for a caller that moves forward through the batch by small steps:
     * probes {@code from}, {@code from + 1}, {@code from + 3}, ... before a binary search, so a
     * key close to {@code from} costs a few comparisons.
     */
    public int seekForward(Row key, int from) {
        int n = weights.length;
        if (from >= n || keys.compare(from, key) >= 0) {
            return from;
        }
        int lo = from + 1;
        int step = 1;
        int hi = from + step;
        while (hi < n && keys.compare(hi, key) < 0) {
            lo = hi + 1;
            step <<= 1;
            hi = from + step;
        }
        return keys.search(key, lo, Math.min(hi, n), false);
    }

    /** Index of the first entry at or after {@code from} whose key sorts after {@code key}. */
    public int upperBound(Row key, int from) {
        return keys.search(key, from, weights.length, true);
    }

    public Batch negate() {
        long[] negated = new long[weights.length];
        for (int i = 0; i < weights.length; i++) {
            negated[i] = Math.negateExact(weights[i]);
        }
        return new Batch(keys, vals, negated);
    }

    /** This batch plus {@code other}, consolidated, by a linear merge of the two sorted arrays. */
    public Batch plus(Batch other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        int last = size() - 1;
        int otherLast = other.size() - 1;
        if (compareEntries(this, last, other, 0) < 0) {
            return concat(this, other);
        }
        if (compareEntries(other, otherLast, this, 0) < 0) {
            return concat(other, this);
        }
        int n = size() + other.size();
        int[] from = new int[n];
        long[] w = new long[n];
        int i = 0;
        int j = 0;
        int out = 0;
        int mine = size();
        int theirs = other.size();
        while (i < mine && j < theirs) {
            int c = compareEntries(this, i, other, j);
            if (c < 0) {
                from[out] = i;
                w[out++] = weights[i++];
            } else if (c > 0) {
                from[out] = ~j;
                w[out++] = other.weights[j++];
            } else {
                long sum = Math.addExact(weights[i], other.weights[j]);
                if (sum != 0) {
                    from[out] = i;
                    w[out++] = sum;
                }
                i++;
                j++;
            }
        }
        for (; i < mine; i++) {
            from[out] = i;
            w[out++] = weights[i];
        }
        for (; j < theirs; j++) {
            from[out] = ~j;
            w[out++] = other.weights[j];
        }
        if (out == 0) {
            return EMPTY;
        }
        return new Batch(Rows.gather2(keys, other.keys, from, out), Rows.gather2(vals, other.vals, from, out),
                Arrays.copyOf(w, out));
    }

    /** {@code first} then {@code second}, when every entry of {@code first} sorts before every entry of {@code second}. */
    private static Batch concat(Batch first, Batch second) {
        long[] w = Arrays.copyOf(first.weights, first.weights.length + second.weights.length);
        System.arraycopy(second.weights, 0, w, first.weights.length, second.weights.length);
        return new Batch(Rows.concat(first.keys, second.keys), Rows.concat(first.vals, second.vals), w);
    }

    /**
     * The Z-set of this batch's values, each with its entry's weight, sharing this batch's value
     * columns. Only for a batch whose values, in entry order, are strictly ascending (checked when
     * assertions are on): a table delta keyed by a prefix of its rows is one.
     */
    public Batch valuesAsZSet() {
        assert valuesStrictlyAscending() : "valuesAsZSet: values not in strictly ascending order";
        return weights.length == 0 ? EMPTY : new Batch(vals, new Rows.Empty(weights.length), weights);
    }

    private boolean valuesStrictlyAscending() {
        for (int i = 1; i < weights.length; i++) {
            if (vals.compare(i - 1, vals, i) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The entries at the ascending positions {@code picked[0..n)}, as a batch of their own. */
    public Batch select(int[] picked, int n) {
        if (n == size()) {
            return this;
        }
        if (n == 0) {
            return EMPTY;
        }
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = weights[picked[i]];
        }
        return new Batch(keys.gather(picked, n), vals.gather(picked, n), w);
    }

    /** An order on positions {@code 0..n-1} of some arrays, for {@link #sortedPositions}. */
    @FunctionalInterface
    public interface PositionOrder {
        int compare(int i, int j);
    }

    private static final int MIN_RUN = 32;

    /**
     * Positions {@code 0..n-1} stably sorted by {@code order}, without boxing: ascending runs
     * already in the input are kept (short ones are extended to 32 by binary insertion sort), then
     * merged pairwise. Input made of a few sorted runs costs little more than one comparison per position.
     */
    public static int[] sortedPositions(int n, PositionOrder order) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] runStarts = new int[16];
        int runs = 0;
        for (int start = 0; start < n; ) {
            int end = start + 1;
            while (end < n && order.compare(a[end - 1], a[end]) <= 0) {
                end++;
            }
            int forced = Math.min(start + MIN_RUN, n);
            for (; end < forced; end++) {
                // Binary insertion: comparisons cost more than moving ints. After equal elements: stable.
                int x = a[end];
                int lo = start;
                int hi = end;
                while (lo < hi) {
                    int m = (lo + hi) >>> 1;
                    if (order.compare(a[m], x) <= 0) {
                        lo = m + 1;
                    } else {
                        hi = m;
                    }
                }
                System.arraycopy(a, lo, a, lo + 1, end - lo);
                a[lo] = x;
            }
            if (runs == runStarts.length) {
                runStarts = Arrays.copyOf(runStarts, runs * 2);
            }
            runStarts[runs++] = start;
            start = end;
        }
        if (runs == 1) {
            return a;
        }
        int[] tmp = new int[n];
        while (runs > 1) {
            int merged = 0;
            for (int r = 0; r < runs; r += 2) {
                int lo = runStarts[r];
                if (r + 1 < runs) {
                    int mid = runStarts[r + 1];
                    int hi = r + 2 < runs ? runStarts[r + 2] : n;
                    if (order.compare(a[hi - 1], a[lo]) < 0) {
                        // The whole right run sorts strictly before the left one: swap the blocks.
                        System.arraycopy(a, lo, tmp, lo, mid - lo);
                        System.arraycopy(a, mid, a, lo, hi - mid);
                        System.arraycopy(tmp, lo, a, lo + hi - mid, mid - lo);
                    } else if (order.compare(a[mid - 1], a[mid]) > 0) {
                        merge(a, tmp, lo, mid, hi, order);
                    }
                }
                runStarts[merged++] = lo;
            }
            runs = merged;
        }
        return a;
    }

    /** After this many wins in a row of one run, a merge copies that run's next block whole. */
    private static final int GALLOP = 7;

    /**
     * Merges the sorted runs {@code a[lo..mid)} and {@code a[mid..hi)}, stably (ties take the left
     * run first). When one run keeps winning, its block up to the other's next element is found
     * by a galloping search and copied in one go, so runs made of a few disjoint blocks merge in
     * far fewer comparisons than elements.
     */
    private static void merge(int[] a, int[] tmp, int lo, int mid, int hi, PositionOrder order) {
        System.arraycopy(a, lo, tmp, lo, mid - lo);
        int i = lo;
        int j = mid;
        int out = lo;
        int leftWins = 0;
        int rightWins = 0;
        while (i < mid && j < hi) {
            if (order.compare(tmp[i], a[j]) <= 0) {
                a[out++] = tmp[i++];
                rightWins = 0;
                if (++leftWins >= GALLOP && i < mid) {
                    int end = firstAfter(tmp, i, mid, a[j], order, true);
                    System.arraycopy(tmp, i, a, out, end - i);
                    out += end - i;
                    i = end;
                    leftWins = 0;
                }
            } else {
                a[out++] = a[j++];
                leftWins = 0;
                if (++rightWins >= GALLOP && j < hi) {
                    int end = firstAfter(a, j, hi, tmp[i], order, false);
                    System.arraycopy(a, j, a, out, end - j);
                    out += end - j;
                    j = end;
                    rightWins = 0;
                }
            }
        }
        System.arraycopy(tmp, i, a, out, mid - i);
    }

    /**
     * In the sorted {@code run[from..to)}, the first position whose element sorts after {@code key}
     * ({@code orEqual}: after or equal to it is kept before, so the answer is the first element
     * greater than {@code key}; otherwise the first element not less than it). Galloping: probes at
     * distances 1, 2, 4, ... then a binary search.
     */
    private static int firstAfter(int[] run, int from, int to, int key, PositionOrder order, boolean orEqual) {
        int lo = from;
        int hi = from;
        int step = 1;
        while (hi < to && before(order.compare(run[hi], key), orEqual)) {
            lo = hi + 1;
            hi = from + step;
            step <<= 1;
        }
        hi = Math.min(hi, to);
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (before(order.compare(run[m], key), orEqual)) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    private static boolean before(int comparison, boolean orEqual) {
        return orEqual ? comparison <= 0 : comparison < 0;
    }

    public Cursor cursor() {
        return new BatchCursor(this);
    }

    static int compareEntries(Row k1, Row v1, Row k2, Row v2) {
        int c = k1.compareTo(k2);
        return c != 0 ? c : v1.compareTo(v2);
    }

    private static int compareEntries(Batch a, int i, Batch b, int j) {
        return compareEntries(a.keys, a.vals, i, b.keys, b.vals, j);
    }

    private static int compareEntries(Rows k1, Rows v1, int i, Rows k2, Rows v2, int j) {
        int c = k1.compare(i, k2, j);
        return c != 0 ? c : v1.compare(i, v2, j);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Batch b) || !Arrays.equals(weights, b.weights)) {
            return false;
        }
        for (int i = 0; i < weights.length; i++) {
            if (compareEntries(this, i, b, i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(weights);
        for (int i = 0; i < weights.length; i++) {
            h = 31 * h + keys.get(i).hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < weights.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(keys.get(i));
            Row val = vals.get(i);
            if (val.arity() > 0) {
                s.append("->").append(val);
            }
            s.append(" x").append(weights[i]);
        }
        return s.append('}').toString();
    }

    /** Collects entries in any order; {@link #build()} sorts and consolidates them. */
    public static final class Builder {
        private Row[] keys;
        private Row[] vals;
        private long[] weights;
        private int size;

        private Builder(int capacity) {
            int c = Math.max(capacity, 4);
            keys = new Row[c];
            vals = new Row[c];
            weights = new long[c];
        }

        /** Adds a Z-set entry: {@code row} with an empty value. */
        public Builder add(Row row, long weight) {
            return add(row, Row.EMPTY, weight);
        }

        public Builder add(Row key, Row val, long weight) {
            Objects.requireNonNull(key, "key is null");
            Objects.requireNonNull(val, "val is null");
            if (weight == 0) {
                return this;
            }
            if (size == keys.length) {
                int c = size * 2;
                keys = Arrays.copyOf(keys, c);
                vals = Arrays.copyOf(vals, c);
                weights = Arrays.copyOf(weights, c);
            }
            keys[size] = key;
            vals[size] = val;
            weights[size++] = weight;
            return this;
        }

        public Builder addAll(Batch batch) {
            for (int i = 0; i < batch.size(); i++) {
                add(batch.keys.get(i), batch.vals.get(i), batch.weights[i]);
            }
            return this;
        }

        public int size() {
            return size;
        }

        /**
         * Sorts by (key, value) and consolidates. Input already in order (common: keys appended in
         * order) costs one comparison per entry; otherwise an index array is merge-sorted, with
         * ordered neighbouring runs left as they are.
         */
        public Batch build() {
            int n = size;
            size = 0;
            if (n == 0) {
                return EMPTY;
            }
            // Into columns first: sorting and consolidating then compare primitive arrays, not boxed rows.
            Rows k = Rows.of(keys, n);
            Rows v = Rows.of(vals, n);
            long[] w = Arrays.copyOf(weights, n);
            clear(n);
            boolean ordered = true;
            boolean distinct = true;
            for (int i = 1; i < n && ordered; i++) {
                int c = compareEntries(k, v, i - 1, k, v, i);
                ordered = c <= 0;
                distinct &= c != 0;
            }
            if (ordered && distinct) {
                return new Batch(k, v, w);
            }
            int[] order = ordered ? null : sortedPositions(n, (i, j) -> compareEntries(k, v, i, k, v, j));
            int[] picked = new int[n];
            long[] summed = new long[n];
            int out = 0;
            for (int idx = 0; idx < n; idx++) {
                int i = order == null ? idx : order[idx];
                if (out > 0 && compareEntries(k, v, picked[out - 1], k, v, i) == 0) {
                    summed[out - 1] = Math.addExact(summed[out - 1], w[i]);
                    if (summed[out - 1] == 0) {
                        out--;
                    }
                } else {
                    picked[out] = i;
                    summed[out++] = w[i];
                }
            }
            return out == 0 ? EMPTY : new Batch(k.gather(picked, out), v.gather(picked, out), Arrays.copyOf(summed, out));
        }

        /**
         * Like {@link #build()}, for a caller that added its entries in strictly ascending (key,
         * value) order, so the batch is already consolidated: it skips the check of that order,
         * which costs a comparison of two rows per entry. The order is verified only when
         * assertions are enabled (as in tests).
         */
        public Batch buildSorted() {
            int n = size;
            assert isStrictlyAscending(n) : "buildSorted: entries not in strictly ascending order";
            size = 0;
            if (n == 0) {
                return EMPTY;
            }
            Batch b = new Batch(Rows.of(keys, n), Rows.of(vals, n), Arrays.copyOf(weights, n));
            clear(n);
            return b;
        }

        private boolean isStrictlyAscending(int n) {
            for (int i = 1; i < n; i++) {
                if (compareEntries(keys[i - 1], vals[i - 1], keys[i], vals[i]) >= 0) {
                    return false;
                }
            }
            return true;
        }

        /** Drops the builder's references to the rows it handed over, so a kept builder holds no garbage. */
        private void clear(int n) {
            Arrays.fill(keys, 0, n, null);
            Arrays.fill(vals, 0, n, null);
        }
    }

    private static final class BatchCursor implements Cursor {
        private final Batch batch;
        private int keyStart;
        private int keyEnd;
        private int pos;
        private Row key;

        BatchCursor(Batch batch) {
            this.batch = batch;
            rewind();
        }

        private void settleKey(int start) {
            keyStart = start;
            pos = start;
            key = null;
            int n = batch.weights.length;
            int end = start + 1;
            while (end < n && batch.keys.compare(end, batch.keys, start) == 0) {
                end++;
            }
            keyEnd = Math.min(end, n);
        }

        @Override
        public boolean keyValid() {
            return keyStart < batch.weights.length;
        }

        @Override
        public boolean valValid() {
            return pos < keyEnd;
        }

        @Override
        public Row key() {
            Row k = key;
            if (k == null) {
                k = batch.keys.get(keyStart);
                key = k;
            }
            return k;
        }

        @Override
        public Row val() {
            return batch.vals.get(pos);
        }

        @Override
        public long weight() {
            return batch.weights[pos];
        }

        @Override
        public void stepKey() {
            settleKey(keyEnd);
        }

        @Override
        public void stepVal() {
            pos++;
        }

        @Override
        public void seekKey(Row target) {
            if (keyValid() && batch.keys.compare(keyStart, target) >= 0) {
                return;
            }
            settleKey(batch.seekForward(target, keyStart));
        }

        @Override
        public void rewind() {
            settleKey(0);
        }
    }
}
