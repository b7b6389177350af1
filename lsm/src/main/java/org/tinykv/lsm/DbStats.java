package org.tinykv.lsm;

import java.util.List;
import java.util.Map;

/**
 * A point-in-time copy of a Db's counters, for metrics.
 *
 * @param bytesWritten          bytes of write batches written to the WAL
 * @param writeBatches          write batches committed
 * @param writeGroups           WAL records written (each holds a group of batches)
 * @param fsyncs                WAL fsyncs
 * @param writeStalls           writes that had to wait (immutable memtables or L0 files over limits)
 * @param memtableBytes         memory held by mutable and immutable memtables
 * @param immutableMemtables    immutable memtable generations waiting for flush
 * @param blockCacheHits        block cache hits
 * @param blockCacheMisses      block cache misses
 * @param blockCacheBytes       bytes in the block cache
 * @param flushes               memtable flushes done
 * @param compactions           compactions done (including trivial moves)
 * @param compactionBytesRead   bytes read by compactions
 * @param compactionBytesWritten bytes written by compactions
 * @param pendingCompactionBytes estimated bytes compactions still need to rewrite
 * @param levels                per column family, per level: file count and bytes
 * @param lastSequence          the last sequence number
 * @param liveSnapshots         snapshots not yet released
 */
public record DbStats(long bytesWritten, long writeBatches, long writeGroups, long fsyncs, long writeStalls,
                      long memtableBytes, int immutableMemtables, long blockCacheHits, long blockCacheMisses,
                      long blockCacheBytes, long flushes, long compactions, long compactionBytesRead,
                      long compactionBytesWritten, long pendingCompactionBytes, Map<Cf, List<LevelStats>> levels,
                      long lastSequence, int liveSnapshots) {

    /** Batches per fsync (0 if no fsync yet). */
    public double batchesPerFsync() {
        return fsyncs == 0 ? 0 : writeBatches / (double) fsyncs;
    }

    /**
     * One level of one column family.
     *
     * @param level level number
     * @param files file count
     * @param bytes total bytes
     */
    public record LevelStats(int level, int files, long bytes) {
    }
}
