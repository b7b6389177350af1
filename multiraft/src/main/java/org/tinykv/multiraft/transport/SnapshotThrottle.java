package org.tinykv.multiraft.transport;

/**
 * Limits snapshot sending to {@code bytesPerSecond}: transfers are serialized and each one takes
 * {@code bytes / rate} of clock time after the previous one ends.
 *
 * <p>Thread-safety: not thread-safe; the owning transport synchronizes.
 */
public final class SnapshotThrottle {
    private final long bytesPerSecond;
    private long busyUntil;

    /** A throttle of {@code bytesPerSecond} (must be positive). */
    public SnapshotThrottle(final long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("snapshot send rate must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Reserves a transfer of {@code bytes} starting no earlier than {@code nowMillis}; returns its end time. */
    public long reserve(final long nowMillis, final long bytes) {
        final long start = Math.max(nowMillis, busyUntil);
        final long millis = bytes * 1000 / bytesPerSecond;
        busyUntil = start + millis;
        return busyUntil;
    }
}
