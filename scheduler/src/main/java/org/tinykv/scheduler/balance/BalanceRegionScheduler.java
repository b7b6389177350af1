package org.tinykv.scheduler.balance;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.cluster.RegionTree;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.id.IdAllocator;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.OperatorController;
import org.tinykv.scheduler.operator.OperatorKind;
import org.tinykv.scheduler.operator.Step;

/**
 * Evens out region sizes: moves a replica (add on the target, move the leader away if needed, remove from the
 * source) from the store with the largest total region size to the suitable store with the smallest, when the
 * difference exceeds twice the region's size plus the tolerance, so that the move cannot reverse the order and
 * schedules do not flap. Only regions with exactly max-replicas peers move; down, offline and busy stores are
 * skipped; per-store move limits apply. Confined to the coordinator thread.
 */
public final class BalanceRegionScheduler {

    private static final int ATTEMPTS = 16;

    private final ClusterState cluster;
    private final OperatorController oc;
    private final IdAllocator ids;
    private final ScheduleConfig cfg;
    private final Clock clock;
    private final RandomGenerator rnd;

    /** Creates the scheduler; new peer ids come from {@code ids}. */
    public BalanceRegionScheduler(ClusterState cluster, OperatorController oc, IdAllocator ids, ScheduleConfig cfg,
            Clock clock, RandomGenerator rnd) {
        this.cluster = cluster;
        this.oc = oc;
        this.ids = ids;
        this.cfg = cfg;
        this.clock = clock;
        this.rnd = rnd;
    }

    /** Creates and adds at most one operator; returns it or null. */
    public Operator schedule() throws IOException {
        if (!oc.hasKindCapacity(OperatorKind.REGION)) {
            return null;
        }
        long now = clock.millis();
        List<StoreView> views = StoreView.snapshot(cluster, oc, now, cfg.maxStoreDownMillis());
        List<StoreView> sources = views.stream().filter(StoreView::suitableSource)
                .sorted(Comparator.comparingLong(StoreView::regionSize).reversed().thenComparingLong(StoreView::id))
                .collect(Collectors.toCollection(ArrayList::new));
        int replicas = cluster.maxReplicas();
        for (StoreView source : sources) {
            if (!oc.hasStoreCapacity(source.id())) {
                continue;
            }
            for (int i = 0; i < ATTEMPTS; i++) {
                RegionInfo r = pickRegion(source.id(), replicas);
                if (r == null) {
                    break;
                }
                StoreView target = StoreView.bestForNewReplica(views, r, oc);
                if (target == null
                        || source.regionSize() - target.regionSize() <= 2 * r.sizeMib() + cfg.regionToleranceMib()) {
                    continue;
                }
                List<Step> steps = new ArrayList<>();
                steps.add(new Step.AddPeer(target.id(), ids.alloc()));
                if (r.leaderOn(source.id())) {
                    steps.add(new Step.TransferLeaderStep(source.id(), target.id()));
                }
                steps.add(new Step.RemovePeer(source.id()));
                Operator op = new Operator(r, OperatorKind.REGION,
                        "balance-region " + source.id() + "->" + target.id(), steps, now,
                        cfg.regionOperatorTimeoutMillis());
                return oc.add(op, r) ? op : null;
            }
        }
        return null;
    }

    private static final RegionTree.Role[] PICK_ORDER = {
        RegionTree.Role.PENDING, RegionTree.Role.FOLLOWER, RegionTree.Role.LEADER,
    };

    private RegionInfo pickRegion(long storeId, int replicas) {
        for (RegionTree.Role role : PICK_ORDER) {
            RegionInfo r = cluster.randomRegion(storeId, role, rnd,
                    x -> !oc.hasOperator(x.id()) && x.meta().getPeersCount() == replicas && x.leader() != null);
            if (r != null) {
                return r;
            }
        }
        return null;
    }
}
