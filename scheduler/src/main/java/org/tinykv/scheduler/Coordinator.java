package org.tinykv.scheduler;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.scheduler.balance.BalanceLeaderScheduler;
import org.tinykv.scheduler.balance.BalanceRegionScheduler;
import org.tinykv.scheduler.checker.ReplicaChecker;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.InvalidRequestException;
import org.tinykv.scheduler.cluster.StoreInfo;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.id.IdAllocator;
import org.tinykv.scheduler.operator.OperatorController;

import com.google.protobuf.ByteString;

/**
 * The scheduling loop, as an agent: each {@link #doWork()} times out stale operators, runs the replica checker over
 * the next batch of regions (patrolling the key space in order, wrapping around) when the patrol interval has
 * passed, and, when the schedule interval has passed, turns empty Offline stores into Tombstones and runs
 * balance-leader and balance-region. Nothing runs before
 * the cluster is bootstrapped. Confined to one thread (the server's coordinator thread, or a test).
 */
public final class Coordinator {

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final ClusterState cluster;
    private final OperatorController oc;
    private final ScheduleConfig cfg;
    private final Clock clock;
    private final ReplicaChecker replicaChecker;
    private final BalanceLeaderScheduler balanceLeader;
    private final BalanceRegionScheduler balanceRegion;
    private ByteString patrolKey = ByteString.EMPTY;
    private long nextPatrol;
    private long nextSchedule;

    /** Wires the checker and schedulers over the given state. */
    public Coordinator(ClusterState cluster, OperatorController oc, IdAllocator ids, ScheduleConfig cfg, Clock clock,
            RandomGenerator rnd) {
        this.cluster = cluster;
        this.oc = oc;
        this.cfg = cfg;
        this.clock = clock;
        this.replicaChecker = new ReplicaChecker(cluster, oc, ids, cfg, clock);
        this.balanceLeader = new BalanceLeaderScheduler(cluster, oc, cfg, clock, rnd);
        this.balanceRegion = new BalanceRegionScheduler(cluster, oc, ids, cfg, clock, rnd);
    }

    /** Runs whatever is due; returns how many operators were created or timed out. */
    public int doWork() throws IOException {
        if (!cluster.isBootstrapped()) {
            return 0;
        }
        int work = oc.checkTimeouts();
        long now = clock.millis();
        if (now >= nextPatrol) {
            nextPatrol = now + cfg.patrolIntervalMillis();
            work += patrol();
        }
        if (now >= nextSchedule) {
            nextSchedule = now + cfg.scheduleIntervalMillis();
            work += buryEmptyOfflineStores();
            if (balanceLeader.schedule() != null) {
                work++;
            }
            if (balanceRegion.schedule() != null) {
                work++;
            }
        }
        return work;
    }

    /** Turns Offline stores that hold no replica any more into Tombstones; returns how many. */
    private int buryEmptyOfflineStores() throws IOException {
        int n = 0;
        for (StoreInfo s : cluster.stores()) {
            if (s.isOffline() && cluster.regionStats(s.id()).regionCount() == 0) {
                try {
                    cluster.setStoreState(s.id(), StoreState.Tombstone);
                    n++;
                } catch (InvalidRequestException e) {
                    LOG.warn("cannot bury store {}: {}", s.id(), e.getMessage());
                }
            }
        }
        return n;
    }

    private int patrol() throws IOException {
        List<RegionInfo> batch = cluster.scanRegions(patrolKey, ByteString.EMPTY, cfg.patrolBatch());
        int created = 0;
        for (RegionInfo r : batch) {
            if (replicaChecker.check(r) != null) {
                created++;
            }
        }
        // continue after the last region checked; wrap around at the end of the key space
        boolean wrapped = batch.size() < cfg.patrolBatch() || batch.get(batch.size() - 1).endKey().isEmpty();
        patrolKey = wrapped ? ByteString.EMPTY : batch.get(batch.size() - 1).endKey();
        if (created > 0) {
            LOG.debug("replica checker created {} operator(s)", created);
        }
        return created;
    }
}
