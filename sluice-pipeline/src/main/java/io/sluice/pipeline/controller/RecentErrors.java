package io.sluice.pipeline.controller;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The count of one kind of error of an endpoint and the most recent few of them. Bounded: an
 * endpoint that fails on every record keeps {@link #KEPT} errors, not all of them.
 *
 * <p>Thread safety: every method synchronizes on the instance; nothing calls out under the lock.
 */
final class RecentErrors {
    static final int KEPT = 20;

    private final String tag;
    private final ArrayDeque<ConnectorError> recent = new ArrayDeque<>();
    private long count;

    RecentErrors(String tag) {
        this.tag = tag;
    }

    /** Counts {@code n} errors and keeps the messages given for them (the last ones, up to the bound). */
    synchronized void add(long n, List<String> messages) {
        long first = count + 1;
        count += n;
        String now = Instant.now().toString();
        int skip = Math.max(0, messages.size() - KEPT);
        for (int i = skip; i < messages.size(); i++) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(new ConnectorError(now, first + i, tag, messages.get(i)));
        }
    }

    synchronized long count() {
        return count;
    }

    /** Oldest first. */
    synchronized List<ConnectorError> recent() {
        return List.copyOf(recent);
    }
}
