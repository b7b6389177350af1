package org.tinykv.scheduler.balance;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

import org.tinykv.proto.metapb.Peer;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.cluster.RegionTree;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.OperatorController;
import org.tinykv.scheduler.operator.OperatorKind;
import org.tinykv.scheduler.operator.Step;

/**
 * Evens out leader counts: moves a leader from the store with the most leaders to the follower store with the
 * fewest, when their counts (including running operators) differ by more than the tolerance (at least 1, so a
 * move never reverses the order and schedules cannot flap). Down, offline and busy stores are skipped.
 * Confined to the coordinator thread.
 */
public final class BalanceLeaderScheduler {

    private static final int ATTEMPTS = 16;

    private final ClusterState cluster;
    private final OperatorController oc;
    private final ScheduleConfig cfg;
    private final Clock clock;
    private final RandomGenerator rnd;

    /** Creates the scheduler; {@code rnd} picks regions (seeded in tests). */
    public BalanceLeaderScheduler(ClusterState cluster, OperatorController oc, ScheduleConfig cfg, Clock clock,
            RandomGenerator rnd) {
        this.cluster = cluster;
        this.oc = oc;
        this.cfg = cfg;
        this.clock = clock;
        this.rnd = rnd;
    }

    /** Creates and adds at most one operator; returns it or null. */
    public Operator schedule() {
        if (!oc.hasKindCapacity(OperatorKind.LEADER)) {
            return null;
        }
        long now = clock.millis();
        List<StoreView> views = StoreView.snapshot(cluster, oc, now, cfg.maxStoreDownMillis()).stream()
                .filter(StoreView::suitableSource).collect(Collectors.toList());
        if (views.size() < 2) {
            return null;
        }
        Map<Long, StoreView> byId = views.stream().collect(Collectors.toMap(StoreView::id, v -> v));
        views.sort(Comparator.comparingLong(StoreView::leaderCount).reversed().thenComparingLong(StoreView::id));
        long minLeaders = views.get(views.size() - 1).leaderCount();
        for (StoreView source : views) {
            if (source.leaderCount() - minLeaders <= cfg.leaderTolerance()) {
                break; // sorted: no later source can qualify
            }
            for (int i = 0; i < ATTEMPTS; i++) {
                RegionInfo r = cluster.randomRegion(source.id(), RegionTree.Role.LEADER, rnd,
                        x -> !oc.hasOperator(x.id()) && x.pendingPeers().isEmpty());
                if (r == null) {
                    break;
                }
                StoreView target = bestTarget(r, byId);
                if (target != null && source.leaderCount() - target.leaderCount() > cfg.leaderTolerance()) {
                    Operator op = new Operator(r, OperatorKind.LEADER,
                            "balance-leader " + source.id() + "->" + target.id(),
                            List.of(new Step.TransferLeaderStep(source.id(), target.id())), now,
                            cfg.leaderOperatorTimeoutMillis());
                    return oc.add(op, r) ? op : null;
                }
            }
        }
        return null;
    }

    private static StoreView bestTarget(RegionInfo r, Map<Long, StoreView> byId) {
        StoreView best = null;
        for (Peer p : r.followers()) {
            StoreView v = byId.get(p.getStoreId());
            if (v != null && v.suitableTarget() && (best == null || v.leaderCount() < best.leaderCount())) {
                best = v;
            }
        }
        return best;
    }
}
