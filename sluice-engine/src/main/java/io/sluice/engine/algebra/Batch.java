package io.sluice.engine.algebra;

import java.util.Arrays;
import java.util.Comparator;
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
    private static final Batch EMPTY = new Batch(new Row[0], new Row[0], new long[0]);

    private final Row[] keys;
    private final Row[] vals;
    private final long[] weights;
    private final long id = NEXT_ID.incrementAndGet();
    private volatile String persistedName;

    private Batch(Row[] keys, Row[] vals, long[] weights) {
        this.keys = keys;
        this.vals = vals;
        this.weights = weights;
    }

    public static Batch empty() {
        return EMPTY;
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
        return keys.length;
    }

    public boolean isEmpty() {
        return keys.length == 0;
    }

    public Row key(int i) {
        return keys[i];
    }

    public Row val(int i) {
        return vals[i];
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
        int lo = from;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid].compareTo(key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The sum of every weight, checked. */
    public long totalWeight() {
        long total = 0;
        for (long w : weights) {
            total = Math.addExact(total, w);
        }
        return total;
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
        int n = keys.length + other.keys.length;
        Row[] k = new Row[n];
        Row[] v = new Row[n];
        long[] w = new long[n];
        int i = 0;
        int j = 0;
        int out = 0;
        while (i < keys.length || j < other.keys.length) {
            int c;
            if (i == keys.length) {
                c = 1;
            } else if (j == other.keys.length) {
                c = -1;
            } else {
                c = compareEntries(keys[i], vals[i], other.keys[j], other.vals[j]);
            }
            if (c < 0) {
                k[out] = keys[i];
                v[out] = vals[i];
                w[out++] = weights[i++];
            } else if (c > 0) {
                k[out] = other.keys[j];
                v[out] = other.vals[j];
                w[out++] = other.weights[j++];
            } else {
                long sum = Math.addExact(weights[i], other.weights[j]);
                if (sum != 0) {
                    k[out] = keys[i];
                    v[out] = vals[i];
                    w[out++] = sum;
                }
                i++;
                j++;
            }
        }
        return new Batch(Arrays.copyOf(k, out), Arrays.copyOf(v, out), Arrays.copyOf(w, out));
    }

    public Cursor cursor() {
        return new BatchCursor(this);
    }

    static int compareEntries(Row k1, Row v1, Row k2, Row v2) {
        int c = k1.compareTo(k2);
        return c != 0 ? c : v1.compareTo(v2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && Arrays.equals(keys, b.keys) && Arrays.equals(vals, b.vals)
                && Arrays.equals(weights, b.weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keys) * 31 + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(keys[i]);
            if (vals[i].arity() > 0) {
                s.append("->").append(vals[i]);
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
                add(batch.keys[i], batch.vals[i], batch.weights[i]);
            }
            return this;
        }

        public int size() {
            return size;
        }

        public Batch build() {
            if (size == 0) {
                return EMPTY;
            }
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparing((Integer i) -> keys[i]).thenComparing(i -> vals[i]));
            Row[] k = new Row[size];
            Row[] v = new Row[size];
            long[] w = new long[size];
            int out = 0;
            for (int idx = 0; idx < size; idx++) {
                int i = order[idx];
                if (out > 0 && compareEntries(k[out - 1], v[out - 1], keys[i], vals[i]) == 0) {
                    w[out - 1] = Math.addExact(w[out - 1], weights[i]);
                    if (w[out - 1] == 0) {
                        out--;
                    }
                } else {
                    k[out] = keys[i];
                    v[out] = vals[i];
                    w[out++] = weights[i];
                }
            }
            size = 0;
            return new Batch(Arrays.copyOf(k, out), Arrays.copyOf(v, out), Arrays.copyOf(w, out));
        }
    }

    private static final class BatchCursor implements Cursor {
        private final Batch batch;
        private int keyStart;
        private int keyEnd;
        private int pos;

        BatchCursor(Batch batch) {
            this.batch = batch;
            rewind();
        }

        private void settleKey(int start) {
            keyStart = start;
            pos = start;
            int end = start;
            while (end < batch.keys.length && batch.keys[end].equals(batch.keys[start])) {
                end++;
            }
            keyEnd = end;
        }

        @Override
        public boolean keyValid() {
            return keyStart < batch.keys.length;
        }

        @Override
        public boolean valValid() {
            return pos < keyEnd;
        }

        @Override
        public Row key() {
            return batch.keys[keyStart];
        }

        @Override
        public Row val() {
            return batch.vals[pos];
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
        public void seekKey(Row key) {
            if (keyValid() && key().compareTo(key) >= 0) {
                return;
            }
            settleKey(batch.lowerBound(key, keyStart));
        }

        @Override
        public void rewind() {
            settleKey(0);
        }
    }
}
