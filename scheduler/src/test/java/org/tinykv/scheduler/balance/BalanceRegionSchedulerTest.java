package org.tinykv.scheduler.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.Step;
import org.tinykv.scheduler.sim.SimCluster;

class BalanceRegionSchedulerTest {

    static long seed() {
        long seed = Long.getLong("scheduler.seed", System.nanoTime());
        System.out.println("BalanceRegionSchedulerTest seed=" + seed);
        return seed;
    }

    @Test
    void newEmptyStoreReceivesReplicasUntilBalanced() throws Exception {
        long seed = seed();
        SimCluster sim = new SimCluster(3, ScheduleConfig.defaults());
        for (int i = 0; i < 30; i++) {
            sim.addRegion(i, 4, 1 + i % 3, 1 + (i + 1) % 3, 1 + (i + 2) % 3);
        }
        sim.cluster.putStore(SimCluster.store(4));
        int rounds = sim.converge(sim.coordinator(seed), 2000);
        assertTrue(rounds < 2000, "seed=" + seed);
        long[] sizes = new long[4];
        for (int s = 1; s <= 4; s++) {
            sizes[s - 1] = sim.cluster.regionStats(s).regionSize();
        }
        long max = java.util.Arrays.stream(sizes).max().getAsLong();
        long min = java.util.Arrays.stream(sizes).min().getAsLong();
        assertTrue(max - min <= 2 * 4, "seed=" + seed + " sizes " + java.util.Arrays.toString(sizes));
        assertTrue(sizes[3] >= 80, "store 4 got its share: " + java.util.Arrays.toString(sizes));
        for (var r : sim.cluster.regions()) {
            assertEquals(3, r.meta().getPeersCount(), "replica count kept, seed=" + seed);
        }
    }

    @Test
    void unevenSizesMoveFromLargestToSmallest() throws Exception {
        long seed = seed();
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        for (int i = 0; i < 6; i++) {
            sim.addRegion(i, 100, 1, 2, 3);
        }
        sim.addRegion(10, 1, 2, 3, 4);
        BalanceRegionScheduler s = new BalanceRegionScheduler(sim.cluster, sim.oc, sim.ids, sim.cfg, sim.clock,
                new Random(seed));
        Operator op = s.schedule();
        assertNotNull(op, "seed=" + seed);
        Step first = op.steps().get(0);
        assertTrue(first instanceof Step.AddPeer a && a.storeId() == 4, op.toString());
        assertTrue(op.steps().get(op.steps().size() - 1) instanceof Step.RemovePeer, op.toString());
    }

    @Test
    void smallDifferenceAndDownTargetAreSkipped() throws Exception {
        long seed = seed();
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        sim.addRegion(0, 10, 1, 2, 3);
        BalanceRegionScheduler s = new BalanceRegionScheduler(sim.cluster, sim.oc, sim.ids, sim.cfg, sim.clock,
                new Random(seed));
        assertNull(s.schedule(), "10 MiB vs 0: not more than twice the region size");
        for (int i = 1; i < 6; i++) {
            sim.addRegion(i, 10, 1, 2, 3);
        }
        sim.clock.advance(sim.cfg.maxStoreDownMillis() + 1);
        for (int st = 1; st <= 3; st++) {
            sim.heartbeatStore(st, false);
        }
        assertNull(s.schedule(), "store 4 is down: no target");
        sim.heartbeatStore(4, true);
        assertNull(s.schedule(), "store 4 is busy: no target");
        sim.heartbeatStore(4, false);
        assertNotNull(s.schedule());
    }
}
