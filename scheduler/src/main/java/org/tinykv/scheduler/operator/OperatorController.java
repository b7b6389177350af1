package org.tinykv.scheduler.operator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.scheduler.cluster.RegionInfo;

/**
 * Runs operators: at most one per region, at most {@link Limits} running per kind and per store (counting replica
 * additions and removals involving the store). An operator's current step is sent to the leader's store when the
 * operator is added and again on every heartbeat of its region until the region shows it done; it finishes with
 * SUCCESS when all steps are done, CANCEL when the region split/merged (version changed) or a step no longer fits,
 * and TIMEOUT when it outlives its timeout. The last finished operator of each region is remembered for
 * GetOperator.
 *
 * <p>Thread-safe (synchronized). Never calls into the cluster state, so it may be called with no lock held.
 */
public final class OperatorController {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorController.class);
    private static final int HISTORY = 10_000;

    /** Concurrency limits; every value must be positive. */
    public record Limits(int leaderLimit, int regionLimit, int replicaLimit, int storeLimit) {
        /** Validates the limits. */
        public Limits {
            if (leaderLimit <= 0 || regionLimit <= 0 || replicaLimit <= 0 || storeLimit <= 0) {
                throw new IllegalArgumentException("operator limits must be positive");
            }
        }

        int of(OperatorKind k) {
            return switch (k) {
                case LEADER -> leaderLimit;
                case REGION -> regionLimit;
                case REPLICA -> replicaLimit;
            };
        }
    }

    private final Clock clock;
    private final HeartbeatSink sink;
    private final Limits limits;
    private final long clusterId;
    private final Map<Long, Operator> running = new HashMap<>();
    private final Map<Long, Operator> finished = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Operator> eldest) {
            return size() > HISTORY;
        }
    };
    private final Map<OperatorKind, Integer> runningByKind = new EnumMap<>(OperatorKind.class);
    private final Map<Long, Integer> movesByStore = new HashMap<>();
    private final Map<OperatorState, Long> finishedCounts = new EnumMap<>(OperatorState.class);
    private long created;

    /** Creates a controller sending orders through {@code sink}, stamping {@code clusterId} in their headers. */
    public OperatorController(Clock clock, HeartbeatSink sink, Limits limits, long clusterId) {
        this.clock = clock;
        this.sink = sink;
        this.limits = limits;
        this.clusterId = clusterId;
    }

    /**
     * Adds {@code op} for {@code region} (its current state) and sends its first step; returns false, changing
     * nothing, if the region already has an operator or a limit would be exceeded.
     */
    public synchronized boolean add(Operator op, RegionInfo region) {
        if (running.containsKey(op.regionId()) || !hasKindCapacity(op.kind())) {
            return false;
        }
        Set<Long> moved = movedStores(op);
        for (long s : moved) {
            if (movesByStore.getOrDefault(s, 0) >= limits.storeLimit()) {
                return false;
            }
        }
        running.put(op.regionId(), op);
        runningByKind.merge(op.kind(), 1, Integer::sum);
        for (long s : moved) {
            movesByStore.merge(s, 1, Integer::sum);
        }
        created++;
        LOG.info("operator created {}", op);
        dispatch(region);
        return true;
    }

    /** Returns whether another operator of {@code kind} may run now. */
    public synchronized boolean hasKindCapacity(OperatorKind kind) {
        return runningByKind.getOrDefault(kind, 0) < limits.of(kind);
    }

    /** Returns whether a replica may be added to or removed from {@code storeId} now. */
    public synchronized boolean hasStoreCapacity(long storeId) {
        return movesByStore.getOrDefault(storeId, 0) < limits.storeLimit();
    }

    /** Returns whether {@code regionId} has a running operator. */
    public synchronized boolean hasOperator(long regionId) {
        return running.containsKey(regionId);
    }

    /** Returns the running operator of {@code regionId}, else its last finished one, else null. */
    public synchronized Operator operatorOf(long regionId) {
        Operator op = running.get(regionId);
        return op != null ? op : finished.get(regionId);
    }

    /** Returns the running operators. */
    public synchronized List<Operator> runningOperators() {
        return new ArrayList<>(running.values());
    }

    /** Returns how many operators were created since start. */
    public synchronized long createdCount() {
        return created;
    }

    /** Returns how many operators finished in {@code s} since start. */
    public synchronized long finishedCount(OperatorState s) {
        return finishedCounts.getOrDefault(s, 0L);
    }

    /**
     * Called with every heartbeat: advances the region's operator and, unless it finished, (re)sends its current
     * step to the leader's store.
     */
    public synchronized void dispatch(RegionInfo region) {
        Operator op = running.get(region.id());
        if (op == null) {
            return;
        }
        if (region.epoch().getVersion() != op.epoch().getVersion()) {
            finish(op, OperatorState.CANCEL);
            return;
        }
        Step step = op.advance(region);
        if (step == null) {
            finish(op, OperatorState.SUCCESS);
            return;
        }
        if (op.isTimedOut(clock.millis())) {
            finish(op, OperatorState.TIMEOUT);
            return;
        }
        if (region.leader() == null) {
            return;
        }
        RegionHeartbeatResponse.Builder resp = RegionHeartbeatResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setClusterId(clusterId))
                .setRegionId(region.id())
                .setRegionEpoch(region.epoch())
                .setTargetPeer(region.leader());
        if (!step.fill(region, resp)) {
            finish(op, OperatorState.CANCEL);
            return;
        }
        sink.send(region.leader().getStoreId(), resp.build());
    }

    /**
     * Returns the foreseen effect of the unfinished steps of running operators, per store: index 0 is the change
     * of its leader count, index 1 the change of its region size (MiB). Schedulers add it to the reported figures
     * so that they do not schedule the same imbalance twice.
     */
    public synchronized Map<Long, long[]> influence() {
        Map<Long, long[]> out = new HashMap<>();
        for (Operator op : running.values()) {
            List<Step> steps = op.steps();
            for (int i = op.currentStep(); i < steps.size(); i++) {
                Step st = steps.get(i);
                if (st instanceof Step.AddPeer a) {
                    out.computeIfAbsent(a.storeId(), k -> new long[2])[1] += op.sizeMib();
                } else if (st instanceof Step.RemovePeer r) {
                    out.computeIfAbsent(r.storeId(), k -> new long[2])[1] -= op.sizeMib();
                } else if (st instanceof Step.TransferLeaderStep t) {
                    out.computeIfAbsent(t.fromStore(), k -> new long[2])[0] -= 1;
                    out.computeIfAbsent(t.toStore(), k -> new long[2])[0] += 1;
                }
            }
        }
        return out;
    }

    /** Times out every running operator older than its timeout; returns how many. */
    public synchronized int checkTimeouts() {
        long now = clock.millis();
        List<Operator> expired = new ArrayList<>();
        for (Operator op : running.values()) {
            if (op.isTimedOut(now)) {
                expired.add(op);
            }
        }
        for (Operator op : expired) {
            finish(op, OperatorState.TIMEOUT);
        }
        return expired.size();
    }

    private void finish(Operator op, OperatorState s) {
        op.finish(s);
        running.remove(op.regionId());
        runningByKind.merge(op.kind(), -1, Integer::sum);
        for (long store : movedStores(op)) {
            movesByStore.merge(store, -1, Integer::sum);
        }
        finished.remove(op.regionId());
        finished.put(op.regionId(), op);
        finishedCounts.merge(s, 1L, Long::sum);
        LOG.info("operator finished state={} {}", s, op);
    }

    private static Set<Long> movedStores(Operator op) {
        Set<Long> out = new HashSet<>();
        for (Step st : op.steps()) {
            if (st.movedStore() != 0) {
                out.add(st.movedStore());
            }
        }
        return out;
    }
}
