package org.tinykv.scheduler.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.cluster.StoreInfo;
import org.tinykv.scheduler.cluster.StoreRegionStats;
import org.tinykv.scheduler.operator.OperatorController;

/**
 * A store as schedulers weigh it: its info, and its leader count and region size (MiB) including the foreseen
 * effect of running operators. Immutable.
 */
public record StoreView(StoreInfo info, long leaderCount, long regionSize, boolean down) {

    /** Returns the store id. */
    public long id() {
        return info.id();
    }

    /** Returns whether the store may receive a replica or a leader: Up, not busy, not down. */
    public boolean suitableTarget() {
        return info.isUp() && !info.isBusy() && !down;
    }

    /** Returns whether balancing may move load off the store: Up, not busy, not down. */
    public boolean suitableSource() {
        return info.isUp() && !info.isBusy() && !down;
    }

    /**
     * Returns the suitable target store with the smallest region size (ties: lowest id) that holds no peer of
     * {@code region} and may take another replica move, or null.
     */
    public static StoreView bestForNewReplica(List<StoreView> views, RegionInfo region, OperatorController oc) {
        StoreView best = null;
        for (StoreView v : views) {
            if (!v.suitableTarget() || region.peerOnStore(v.id()) != null || !oc.hasStoreCapacity(v.id())) {
                continue;
            }
            if (best == null || v.regionSize() < best.regionSize()
                    || (v.regionSize() == best.regionSize() && v.id() < best.id())) {
                best = v;
            }
        }
        return best;
    }

    /** Snapshots every non-tombstone store at {@code nowMillis}. */
    public static List<StoreView> snapshot(ClusterState cluster, OperatorController oc, long nowMillis,
            long maxStoreDownMillis) {
        Map<Long, long[]> influence = oc.influence();
        List<StoreView> out = new ArrayList<>();
        for (StoreInfo s : cluster.stores()) {
            if (s.isTombstone()) {
                continue;
            }
            StoreRegionStats st = cluster.regionStats(s.id());
            long[] inf = influence.getOrDefault(s.id(), new long[2]);
            out.add(new StoreView(s, st.leaderCount() + inf[0], st.regionSize() + inf[1],
                    s.isDown(nowMillis, maxStoreDownMillis)));
        }
        return out;
    }
}
