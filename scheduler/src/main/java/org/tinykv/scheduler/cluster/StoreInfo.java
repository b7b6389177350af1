package org.tinykv.scheduler.cluster;

import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.schedulerpb.StoreStats;

/**
 * A store as the scheduler sees it: its metadata, the stats of its last heartbeat (default instance if none yet)
 * and the clock time of that heartbeat (or of the scheduler's start, so that a restart does not declare every store
 * down). Immutable.
 */
public record StoreInfo(Store meta, StoreStats stats, long lastHeartbeatMillis) {

    /** Returns the store id. */
    public long id() {
        return meta.getId();
    }

    /** Returns whether the store is in state Up. */
    public boolean isUp() {
        return meta.getState() == StoreState.Up;
    }

    /** Returns whether the store is Offline (being drained). */
    public boolean isOffline() {
        return meta.getState() == StoreState.Offline;
    }

    /** Returns whether the store is a Tombstone. */
    public boolean isTombstone() {
        return meta.getState() == StoreState.Tombstone;
    }

    /** Returns whether the store reported itself busy. */
    public boolean isBusy() {
        return stats.getIsBusy();
    }

    /** Returns how long the store has been silent at {@code nowMillis}. */
    public long downTimeMillis(long nowMillis) {
        return Math.max(0, nowMillis - lastHeartbeatMillis);
    }

    /** Returns whether the store has been silent for longer than {@code maxDownMillis}. */
    public boolean isDown(long nowMillis, long maxDownMillis) {
        return downTimeMillis(nowMillis) > maxDownMillis;
    }
}
