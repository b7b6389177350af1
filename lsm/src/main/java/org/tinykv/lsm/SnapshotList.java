package org.tinykv.lsm;

import java.util.TreeMap;

/**
 * The live snapshots of a Db as a multiset of sequence numbers, for compactions to consult.
 *
 * <p>Thread-safety: safe.
 */
final class SnapshotList {

    private final TreeMap<Long, Integer> counts = new TreeMap<>();

    synchronized Snapshot acquire(final java.util.function.LongSupplier lastSequence) {
        final long seq = lastSequence.getAsLong();
        counts.merge(seq, 1, Integer::sum);
        return new Snapshot(seq, this);
    }

    synchronized void release(final Snapshot s) {
        counts.computeIfPresent(s.sequence(), (k, v) -> v == 1 ? null : v - 1);
    }

    /** Sorted distinct sequence numbers of live snapshots. */
    synchronized long[] sequences() {
        return counts.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    synchronized int size() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
