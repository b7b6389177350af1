package org.tinykv.scheduler.cluster;

/**
 * Per-store aggregates of the region tree: leader and region counts and sizes (in MiB, see
 * {@link RegionInfo#sizeMib()}). Immutable snapshot.
 */
public record StoreRegionStats(long leaderCount, long regionCount, long leaderSize, long regionSize,
        long pendingCount) {

    /** Stats of a store holding nothing. */
    public static final StoreRegionStats EMPTY = new StoreRegionStats(0, 0, 0, 0, 0);
}
