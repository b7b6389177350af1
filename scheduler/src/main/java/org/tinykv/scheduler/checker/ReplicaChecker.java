package org.tinykv.scheduler.checker;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.tinykv.proto.metapb.Peer;
import org.tinykv.scheduler.balance.StoreView;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.id.IdAllocator;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.OperatorController;
import org.tinykv.scheduler.operator.OperatorKind;
import org.tinykv.scheduler.operator.Step;

/**
 * Keeps a region at max-replicas healthy replicas, in this order: a replica on a store that is unknown, down
 * longer than max-store-down-time, offline or tombstone is replaced (a new replica is added on the best store
 * first, then the bad one removed; if the region already has too many replicas it is only removed); a missing
 * replica is added on the suitable store with the smallest region size; an extra replica is removed from the
 * follower store with the largest region size. The leader is moved off a replica before removing it.
 * Confined to the coordinator thread.
 */
public final class ReplicaChecker {

    private final ClusterState cluster;
    private final OperatorController oc;
    private final IdAllocator ids;
    private final ScheduleConfig cfg;
    private final Clock clock;

    /** Creates the checker; new peer ids come from {@code ids}. */
    public ReplicaChecker(ClusterState cluster, OperatorController oc, IdAllocator ids, ScheduleConfig cfg,
            Clock clock) {
        this.cluster = cluster;
        this.oc = oc;
        this.ids = ids;
        this.cfg = cfg;
        this.clock = clock;
    }

    /** Checks one region; creates and adds at most one operator and returns it, or null. */
    public Operator check(RegionInfo r) throws IOException {
        if (r.leader() == null || oc.hasOperator(r.id()) || !oc.hasKindCapacity(OperatorKind.REPLICA)) {
            return null;
        }
        long now = clock.millis();
        List<StoreView> views = StoreView.snapshot(cluster, oc, now, cfg.maxStoreDownMillis());
        int replicas = cluster.maxReplicas();
        int count = r.meta().getPeersCount();
        Peer bad = badPeer(r, views);
        if (bad != null) {
            if (count > replicas) {
                return remove(r, bad, views, now, "remove-bad-replica");
            }
            StoreView target = StoreView.bestForNewReplica(views, r, oc);
            if (target == null) {
                return null;
            }
            List<Step> steps = new ArrayList<>();
            steps.add(new Step.AddPeer(target.id(), ids.alloc()));
            if (r.leaderOn(bad.getStoreId())) {
                steps.add(new Step.TransferLeaderStep(bad.getStoreId(), target.id()));
            }
            steps.add(new Step.RemovePeer(bad.getStoreId()));
            return add(r, steps, now, "replace-replica store " + bad.getStoreId() + "->" + target.id());
        }
        if (count < replicas) {
            StoreView target = StoreView.bestForNewReplica(views, r, oc);
            if (target == null) {
                return null;
            }
            return add(r, List.of(new Step.AddPeer(target.id(), ids.alloc())), now, "add-replica " + target.id());
        }
        if (count > replicas) {
            Peer worst = null;
            long worstSize = -1;
            for (Peer p : r.followers()) {
                StoreView v = view(views, p.getStoreId());
                long size = v == null ? Long.MAX_VALUE : v.regionSize();
                if (size > worstSize) {
                    worst = p;
                    worstSize = size;
                }
            }
            return worst == null ? null : remove(r, worst, views, now, "remove-extra-replica");
        }
        return null;
    }

    private Peer badPeer(RegionInfo r, List<StoreView> views) {
        Peer leaderBad = null;
        for (Peer p : r.meta().getPeersList()) {
            StoreView v = view(views, p.getStoreId());
            boolean bad = v == null || v.down() || v.info().isOffline();
            if (bad) {
                if (r.leader().getId() != p.getId()) {
                    return p; // prefer a follower: the leader is evidently alive
                }
                leaderBad = p;
            }
        }
        return leaderBad;
    }

    private Operator remove(RegionInfo r, Peer victim, List<StoreView> views, long now, String desc) {
        if (!oc.hasStoreCapacity(victim.getStoreId())) {
            return null;
        }
        List<Step> steps = new ArrayList<>();
        if (r.leader().getId() == victim.getId()) {
            Peer to = null;
            for (Peer f : r.followers()) {
                StoreView v = view(views, f.getStoreId());
                if (v != null && v.suitableTarget() && !r.isPending(f)) {
                    to = f;
                    break;
                }
            }
            if (to == null) {
                return null;
            }
            steps.add(new Step.TransferLeaderStep(victim.getStoreId(), to.getStoreId()));
        }
        steps.add(new Step.RemovePeer(victim.getStoreId()));
        return add(r, steps, now, desc + " " + victim.getStoreId());
    }

    private Operator add(RegionInfo r, List<Step> steps, long now, String desc) {
        Operator op = new Operator(r, OperatorKind.REPLICA, desc, steps, now, cfg.regionOperatorTimeoutMillis());
        return oc.add(op, r) ? op : null;
    }

    private static StoreView view(List<StoreView> views, long storeId) {
        for (StoreView v : views) {
            if (v.id() == storeId) {
                return v;
            }
        }
        return null;
    }
}
