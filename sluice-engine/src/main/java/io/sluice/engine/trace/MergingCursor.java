package io.sluice.engine.trace;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Cursor;
import io.sluice.engine.algebra.Row;
import java.util.List;

/**
 * A cursor over the sum of several batches. For the current key it gathers the values of every
 * batch positioned on that key into one consolidated batch, and skips keys whose weights all cancel.
 */
final class MergingCursor implements Cursor {
    private final Cursor[] cursors;
    private Row key;
    private Batch values = Batch.empty();
    private int pos;

    MergingCursor(List<Batch> batches) {
        cursors = new Cursor[batches.size()];
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = batches.get(i).cursor();
        }
        settle();
    }

    private void settle() {
        while (true) {
            Row min = null;
            for (Cursor c : cursors) {
                if (c.keyValid() && (min == null || c.key().compareTo(min) < 0)) {
                    min = c.key();
                }
            }
            key = min;
            pos = 0;
            if (min == null) {
                values = Batch.empty();
                return;
            }
            Batch.Builder builder = Batch.builder();
            for (Cursor c : cursors) {
                if (c.keyValid() && c.key().equals(min)) {
                    for (; c.valValid(); c.stepVal()) {
                        builder.add(Row.EMPTY, c.val(), c.weight());
                    }
                }
            }
            values = builder.build();
            if (!values.isEmpty()) {
                return;
            }
            advancePast(min);
        }
    }

    private void advancePast(Row current) {
        for (Cursor c : cursors) {
            if (c.keyValid() && c.key().equals(current)) {
                c.stepKey();
            }
        }
    }

    @Override
    public boolean keyValid() {
        return key != null;
    }

    @Override
    public boolean valValid() {
        return key != null && pos < values.size();
    }

    @Override
    public Row key() {
        return key;
    }

    @Override
    public Row val() {
        return values.val(pos);
    }

    @Override
    public long weight() {
        return values.weight(pos);
    }

    @Override
    public void stepKey() {
        if (key != null) {
            advancePast(key);
            settle();
        }
    }

    @Override
    public void stepVal() {
        pos++;
    }

    @Override
    public void seekKey(Row target) {
        if (key == null || key.compareTo(target) >= 0) {
            return;
        }
        for (Cursor c : cursors) {
            c.seekKey(target);
        }
        settle();
    }

    @Override
    public void rewind() {
        for (Cursor c : cursors) {
            c.rewind();
        }
        settle();
    }
}
