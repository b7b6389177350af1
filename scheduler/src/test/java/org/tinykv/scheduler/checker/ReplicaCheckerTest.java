package org.tinykv.scheduler.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.Step;
import org.tinykv.scheduler.sim.SimCluster;

class ReplicaCheckerTest {

    ReplicaChecker checker(SimCluster sim) {
        return new ReplicaChecker(sim.cluster, sim.oc, sim.ids, sim.cfg, sim.clock);
    }

    @Test
    void addsMissingReplicaOnLeastLoadedStore() throws Exception {
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        sim.addRegion(0, 50, 1, 2, 3);
        RegionInfo r = sim.addRegion(1, 1, 1);
        Operator op = checker(sim).check(r);
        assertNotNull(op);
        assertEquals(1, op.steps().size());
        assertTrue(op.steps().get(0) instanceof Step.AddPeer a && a.storeId() == 4, op.toString());
        assertNull(checker(sim).check(r), "one operator per region");
        sim.executeOrders();
        sim.executeOrders();
        // the region now has 2 peers; the next check adds the third
        Operator op2 = checker(sim).check(sim.cluster.region(r.id()));
        assertNotNull(op2);
    }

    @Test
    void removesExtraReplicaButNeverTheLeader() throws Exception {
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        sim.addRegion(0, 50, 4, 2, 3);
        RegionInfo r = sim.addRegion(1, 1, 4, 1, 2, 3);
        Operator op = checker(sim).check(r);
        assertNotNull(op);
        assertEquals(1, op.steps().size());
        Step.RemovePeer rm = (Step.RemovePeer) op.steps().get(0);
        assertTrue(rm.storeId() == 2 || rm.storeId() == 3, "a follower on a fuller store: " + op);
    }

    @Test
    void replacesReplicaOnDownStoreAndCompletes() throws Exception {
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        RegionInfo r = sim.addRegion(1, 1, 1, 2, 3);
        assertNull(checker(sim).check(r), "healthy");
        sim.dead.add(3L);
        sim.converge(sim.coordinator(1), 3); // keep the live stores heartbeating
        sim.clock.advance(sim.cfg.maxStoreDownMillis());
        for (long s : List.of(1L, 2L, 4L)) {
            sim.heartbeatStore(s, false);
        }
        Operator op = checker(sim).check(sim.cluster.region(r.id()));
        assertNotNull(op);
        assertTrue(op.steps().get(0) instanceof Step.AddPeer a && a.storeId() == 4, op.toString());
        assertEquals(new Step.RemovePeer(3), op.steps().get(op.steps().size() - 1));
        for (int i = 0; i < 4; i++) {
            sim.executeOrders();
        }
        RegionInfo now = sim.cluster.region(r.id());
        assertNull(now.peerOnStore(3));
        assertNotNull(now.peerOnStore(4));
        assertEquals(3, now.meta().getPeersCount());
    }

    @Test
    void offlineLeaderStoreMovesLeaderFirst() throws Exception {
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        RegionInfo r = sim.addRegion(1, 1, 1, 2, 3);
        sim.cluster.setStoreState(1, StoreState.Offline);
        Operator op = checker(sim).check(r);
        assertNotNull(op);
        assertEquals(List.of(new Step.AddPeer(4, ((Step.AddPeer) op.steps().get(0)).peerId()),
                new Step.TransferLeaderStep(1, 4), new Step.RemovePeer(1)), op.steps());
    }

    @Test
    void noTargetMeansNoOperator() throws Exception {
        SimCluster sim = new SimCluster(3, ScheduleConfig.defaults());
        RegionInfo r = sim.addRegion(1, 1, 1, 2);
        sim.heartbeatStore(3, true);
        assertNull(checker(sim).check(r), "the only candidate is busy");
    }

    @Test
    void coordinatorPatrolsTheWholeKeySpace() throws Exception {
        long seed = Long.getLong("scheduler.seed", System.nanoTime());
        System.out.println("coordinatorPatrolsTheWholeKeySpace seed=" + seed);
        SimCluster sim = new SimCluster(3, ScheduleConfig.defaults());
        for (int i = 0; i < 300; i++) {
            sim.addRegion(i, 1, 1 + i % 3); // one replica each; patrol batches are 128 regions
        }
        int rounds = sim.converge(sim.coordinator(seed), 3000);
        assertTrue(rounds < 3000, "seed=" + seed);
        for (RegionInfo r : sim.cluster.regions()) {
            assertEquals(3, r.meta().getPeersCount(), "seed=" + seed + " region " + r.id());
        }
    }

    @Test
    void offlineStoreIsDrainedThenBuried() throws Exception {
        long seed = Long.getLong("scheduler.seed", System.nanoTime());
        System.out.println("offlineStoreIsDrainedThenBuried seed=" + seed);
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        for (int i = 0; i < 20; i++) {
            sim.addRegion(i, 1, 1 + i % 3, 1 + (i + 1) % 3, 1 + (i + 2) % 3);
        }
        sim.cluster.setStoreState(1, StoreState.Offline);
        int rounds = sim.converge(sim.coordinator(seed), 3000);
        assertTrue(rounds < 3000, "seed=" + seed);
        assertEquals(0, sim.cluster.regionStats(1).regionCount(), "seed=" + seed);
        assertTrue(sim.cluster.store(1).isTombstone(), "seed=" + seed);
        for (RegionInfo r : sim.cluster.regions()) {
            assertEquals(3, r.meta().getPeersCount(), "seed=" + seed);
        }
    }
}
