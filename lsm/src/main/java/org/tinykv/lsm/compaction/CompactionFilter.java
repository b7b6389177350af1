package org.tinykv.lsm.compaction;

/**
 * A hook called by compactions for values no live snapshot can distinguish (sequence number at or below the oldest
 * snapshot); MVCC garbage collection uses it to drop old versions. Removing a value turns it into a tombstone, or
 * drops it outright when the compaction writes the bottommost data for that key.
 *
 * <p>Thread-safety: an instance is used by one compaction (one thread); factories must be safe.
 */
public interface CompactionFilter {

    /** What to do with a value. */
    enum Decision {
        /** Keep the value. */
        KEEP,
        /** Remove the value. */
        REMOVE
    }

    /** Decides the fate of the newest-at-its-snapshot {@code value} of {@code key} being compacted into a level. */
    Decision filter(int outputLevel, byte[] key, byte[] value);

    /** Creates a filter per compaction. */
    interface Factory {
        /**
         * Returns a filter for one compaction.
         *
         * @param outputLevel the level being written
         * @param manual      whether the compaction was requested by {@code compactRange}
         */
        CompactionFilter create(int outputLevel, boolean manual);
    }
}
