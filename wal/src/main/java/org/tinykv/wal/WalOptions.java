package org.tinykv.wal;

/**
 * The options of a {@link LogWriter}.
 *
 * @param syncPolicy         when the writer syncs on its own
 * @param syncIntervalMillis for {@link SyncPolicy#INTERVAL}: the longest time an append stays unsynced while
 *                           appends continue, in milliseconds (&gt; 0)
 * @param bufferBytes        the most bytes of appended records held in memory while an fsync runs; an append that
 *                           finds more waits to write them itself (&gt; 0)
 * @param preallocateBytes   if &gt; 0, the file is extended with durable zeros in steps of this many bytes ahead of
 *                           the writes, so that a sync does not have to grow the file (see docs/formats/wal.md);
 *                           a preallocated log must not be reopened for appending
 */
public record WalOptions(SyncPolicy syncPolicy, long syncIntervalMillis, int bufferBytes, long preallocateBytes) {

    /** Default buffer bound: 1 MiB. */
    public static final int DEFAULT_BUFFER_BYTES = 1 << 20;
    /** Default preallocation step: 4 MiB. */
    public static final long DEFAULT_PREALLOCATE_BYTES = 4L << 20;

    /** Sync on every write, 100 ms interval (unused), 1 MiB buffer, 4 MiB preallocation steps. */
    public static WalOptions defaults() {
        return new WalOptions(SyncPolicy.EVERY_WRITE, 100, DEFAULT_BUFFER_BYTES, DEFAULT_PREALLOCATE_BYTES);
    }

    /** Returns a copy with {@code policy}. */
    public WalOptions withSyncPolicy(final SyncPolicy policy) {
        return new WalOptions(policy, syncIntervalMillis, bufferBytes, preallocateBytes);
    }

    /** Returns a copy with the INTERVAL policy and {@code millis}. */
    public WalOptions withSyncInterval(final long millis) {
        return new WalOptions(SyncPolicy.INTERVAL, millis, bufferBytes, preallocateBytes);
    }

    /** Returns a copy with {@code bytes} of buffer. */
    public WalOptions withBufferBytes(final int bytes) {
        return new WalOptions(syncPolicy, syncIntervalMillis, bytes, preallocateBytes);
    }

    /** Returns a copy with preallocation steps of {@code bytes} (0 disables preallocation). */
    public WalOptions withPreallocateBytes(final long bytes) {
        return new WalOptions(syncPolicy, syncIntervalMillis, bufferBytes, bytes);
    }

    /**
     * Checks the options.
     *
     * @return this
     * @throws IllegalArgumentException naming the bad option
     */
    public WalOptions validate() {
        if (syncPolicy == null) {
            throw new IllegalArgumentException("syncPolicy must be set");
        }
        if (syncPolicy == SyncPolicy.INTERVAL && syncIntervalMillis <= 0) {
            throw new IllegalArgumentException("syncIntervalMillis must be > 0 for INTERVAL, got "
                + syncIntervalMillis);
        }
        if (syncIntervalMillis < 0) {
            throw new IllegalArgumentException("syncIntervalMillis must be >= 0, got " + syncIntervalMillis);
        }
        if (bufferBytes <= 0) {
            throw new IllegalArgumentException("bufferBytes must be > 0, got " + bufferBytes);
        }
        if (preallocateBytes < 0) {
            throw new IllegalArgumentException("preallocateBytes must be >= 0, got " + preallocateBytes);
        }
        return this;
    }
}
