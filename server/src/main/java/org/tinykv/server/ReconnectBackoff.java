package org.tinykv.server;

import java.time.Duration;

/**
 * The delay before a broken stream is opened again: the minimum after the first break, doubling with each break up
 * to the maximum, and back to the minimum once a stream lived longer than the maximum (or after {@link #reset()},
 * when the peer proved healthy). Used by the raft transport and the scheduler's region heartbeat stream.
 *
 * <p>Thread-safety: not thread-safe; each stream's owner confines it to its sender thread.
 */
public final class ReconnectBackoff {

    private final long minNanos;
    private final long maxNanos;
    private long currentNanos;

    /** Delays between {@code min} and {@code max}. */
    public ReconnectBackoff(final Duration min, final Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = Math.max(minNanos, max.toNanos());
    }

    /** The delay before reopening a stream that was opened at {@code openedAtNanos} and broke at {@code nowNanos}. */
    public long nextDelayNanos(final long openedAtNanos, final long nowNanos) {
        if (nowNanos - openedAtNanos > maxNanos) {
            currentNanos = 0;
        }
        currentNanos = currentNanos == 0 ? minNanos : Math.min(maxNanos, currentNanos * 2);
        return currentNanos;
    }

    /** Starts the next break over from the minimum. */
    public void reset() {
        currentNanos = 0;
    }
}
