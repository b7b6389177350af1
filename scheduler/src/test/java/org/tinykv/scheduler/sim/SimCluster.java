package org.tinykv.scheduler.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.StoreStats;
import org.tinykv.scheduler.Coordinator;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.InvalidRequestException;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.id.IdAllocator;
import org.tinykv.scheduler.meta.MemMetaStore;
import org.tinykv.scheduler.operator.HeartbeatSink;
import org.tinykv.scheduler.operator.OperatorController;

import com.google.protobuf.ByteString;

/**
 * A simulated cluster for scheduler tests: a ClusterState over a MemMetaStore and a manual clock, stores and
 * regions created directly, and a kv side that executes the orders sent on the heartbeat sink (one conf change or
 * leader transfer per order, bumping conf_ver like raft does) and heartbeats the result. Single-threaded.
 */
public final class SimCluster implements HeartbeatSink {

    public final ManualClock clock = new ManualClock(1_700_000_000_000L);
    public final MemMetaStore meta = new MemMetaStore();
    public final ClusterState cluster;
    public final IdAllocator ids;
    public final OperatorController oc;
    public final ScheduleConfig cfg;
    public final List<RegionHeartbeatResponse> sent = new ArrayList<>();
    /** Stores that no longer heartbeat. */
    public final java.util.Set<Long> dead = new java.util.HashSet<>();
    private final long[] nextPeer = {1_000_000};

    /** Creates a bootstrapped cluster with stores 1..stores. */
    public SimCluster(int stores, ScheduleConfig cfg) throws IOException, InvalidRequestException {
        this.cfg = cfg;
        this.cluster = ClusterState.open(meta, clock, () -> 42);
        this.ids = new IdAllocator(meta, 100);
        this.oc = new OperatorController(clock, this, cfg.limits(), cluster.clusterId());
        cluster.bootstrap(store(1), cfg.maxReplicas());
        for (int i = 2; i <= stores; i++) {
            cluster.putStore(store(i));
        }
        for (int i = 1; i <= stores; i++) {
            heartbeatStore(i, false);
        }
    }

    /** Returns store {@code id} with address 127.0.0.1:20160+id. */
    public static Store store(long id) {
        return Store.newBuilder().setId(id).setAddress("127.0.0.1:" + (20160 + id)).build();
    }

    /** Sends a store heartbeat now. */
    public void heartbeatStore(long id, boolean busy) throws InvalidRequestException {
        cluster.storeHeartbeat(StoreStats.newBuilder().setStoreId(id).setIsBusy(busy).build());
    }

    /** Adds a region [k(i), k(i+1)) with peers on {@code stores}, the first being the leader. */
    public RegionInfo addRegion(int i, long sizeMib, long... stores) throws IOException, InvalidRequestException {
        Region.Builder b = Region.newBuilder().setId(10_000 + i).setStartKey(key(i)).setEndKey(key(i + 1))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1));
        for (long s : stores) {
            b.addPeers(Peer.newBuilder().setId(nextPeer[0]++).setStoreId(s));
        }
        Region r = b.build();
        return cluster.handleRegionHeartbeat(new RegionInfo(r, r.getPeers(0), List.of(), sizeMib * RegionInfo.MIB));
    }

    /** Returns the key of region index i ("" for 0). */
    public static ByteString key(int i) {
        return i == 0 ? ByteString.EMPTY : ByteString.copyFromUtf8(String.format("k%08d", i));
    }

    /** Executes every order sent so far, heartbeating each changed region (which dispatches again). */
    public int executeOrders() throws IOException, InvalidRequestException {
        List<RegionHeartbeatResponse> orders = new ArrayList<>(sent);
        sent.clear();
        for (RegionHeartbeatResponse o : orders) {
            RegionInfo r = cluster.region(o.getRegionId());
            if (r == null || o.getHeader().hasError()) {
                continue;
            }
            RegionInfo next = apply(r, o);
            cluster.handleRegionHeartbeat(next);
            oc.dispatch(next);
        }
        return orders.size();
    }

    private static RegionInfo apply(RegionInfo r, RegionHeartbeatResponse o) {
        Region.Builder m = r.meta().toBuilder();
        Peer leader = r.leader();
        if (o.hasTransferLeader()) {
            leader = r.peerOnStore(o.getTransferLeader().getPeer().getStoreId());
        } else if (o.hasChangePeer()) {
            Peer p = o.getChangePeer().getPeer();
            if (o.getChangePeer().getChangeType() == ConfChangeType.AddNode) {
                if (r.peerOnStore(p.getStoreId()) == null) {
                    m.addPeers(p);
                }
            } else {
                m.clearPeers();
                for (Peer x : r.meta().getPeersList()) {
                    if (x.getId() != p.getId()) {
                        m.addPeers(x);
                    }
                }
                if (leader != null && leader.getId() == p.getId()) {
                    leader = m.getPeersCount() == 0 ? null : m.getPeers(0);
                }
            }
            m.setRegionEpoch(r.epoch().toBuilder().setConfVer(r.epoch().getConfVer() + 1));
        }
        return new RegionInfo(m.build(), leader, List.of(), r.approximateSize());
    }

    /**
     * Runs coordinator ticks and order execution until a whole patrol cycle (plus two rounds) passes with nothing
     * to do, or {@code maxRounds} pass; returns the rounds run.
     */
    public int converge(Coordinator co, int maxRounds) throws IOException, InvalidRequestException {
        int idleNeeded = cluster.regionCount() / cfg.patrolBatch() + 3;
        int idle = 0;
        int rounds = 0;
        for (; rounds < maxRounds && idle < idleNeeded; rounds++) {
            clock.advance(Math.max(cfg.scheduleIntervalMillis(), cfg.patrolIntervalMillis()));
            for (var s : cluster.stores()) {
                if (!dead.contains(s.id()) && !s.isTombstone()) {
                    heartbeatStore(s.id(), s.isBusy());
                }
            }
            int work = co.doWork();
            int orders = executeOrders();
            idle = work == 0 && orders == 0 && oc.runningOperators().isEmpty() ? idle + 1 : 0;
        }
        return rounds;
    }

    /** Returns a Coordinator over this cluster with a seeded random. */
    public Coordinator coordinator(long seed) {
        return new Coordinator(cluster, oc, ids, cfg, clock, new Random(seed));
    }

    @Override
    public void send(long storeId, RegionHeartbeatResponse resp) {
        sent.add(resp);
    }
}
