package io.sluice.pipeline.controller;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Decides, atomically with the hand-over of a request's records, whether ingress is still open.
 *
 * <p>An ingress request parses its whole body first, then {@link #tryEnter enters}, queues its
 * records, {@link #exit exits} and only then acknowledges. {@link #close} shuts the gate and waits
 * until every request inside has queued its records. So once {@code close} returns, every
 * acknowledged record is in the queue that the final step drains, and every later request is
 * refused (503) without having queued anything.
 */
public final class IngressGate {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** True if the caller may queue records; it must then call {@link #exit}. */
    public boolean tryEnter() {
        if (closed) {
            return false;
        }
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            return false;
        }
        return true;
    }

    public void exit() {
        lock.readLock().unlock();
    }

    /** Closes the gate and waits for the requests inside to finish queuing. Idempotent. */
    public void close() {
        closed = true;
        lock.writeLock().lock();
        lock.writeLock().unlock();
    }

    public boolean isClosed() {
        return closed;
    }
}
