package org.tinykv.wal;

/** When a {@link LogWriter} makes appended records durable on its own, besides explicit {@code syncTo} calls. */
public enum SyncPolicy {
    /** Every append returns only once its record is durable (concurrent appends share one fsync). */
    EVERY_WRITE,
    /**
     * An append syncs (all records appended so far) when {@link WalOptions#syncIntervalMillis()} have passed since
     * the last sync started; there is no timer thread, so an idle log stays unsynced until the next append,
     * {@code syncTo} or {@code close}.
     */
    INTERVAL,
    /** The writer never syncs on its own, not even at close: only explicit {@code syncTo} calls sync. */
    NEVER
}
