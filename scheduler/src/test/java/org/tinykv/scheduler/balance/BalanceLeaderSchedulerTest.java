package org.tinykv.scheduler.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.Step;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.sim.SimCluster;

class BalanceLeaderSchedulerTest {

    static long seed() {
        long seed = Long.getLong("scheduler.seed", System.nanoTime());
        System.out.println("BalanceLeaderSchedulerTest seed=" + seed);
        return seed;
    }

    @Test
    void unevenLeadersConverge() throws Exception {
        long seed = seed();
        SimCluster sim = new SimCluster(3, ScheduleConfig.defaults());
        for (int i = 0; i < 30; i++) {
            sim.addRegion(i, 1, 1, 2, 3); // every leader on store 1
        }
        int rounds = sim.converge(sim.coordinator(seed), 500);
        assertTrue(rounds < 500, "seed=" + seed + " converged");
        long[] leaders = leaders(sim, 3);
        for (long l : leaders) {
            assertTrue(Math.abs(l - 10) <= 1, "seed=" + seed + " leaders " + java.util.Arrays.toString(leaders));
        }
    }

    @Test
    void withinToleranceNothingMovesSoNoFlapping() throws Exception {
        long seed = seed();
        SimCluster sim = new SimCluster(2, new ScheduleConfig(2, 1_800_000, 4, 4, 8, 2, 10_000, 600_000, 1000, 100,
                128, 1, 0));
        sim.addRegion(0, 1, 1, 2);
        sim.addRegion(1, 1, 1, 2);
        sim.addRegion(2, 1, 2, 1);
        BalanceLeaderScheduler s = new BalanceLeaderScheduler(sim.cluster, sim.oc, sim.cfg, sim.clock,
                new Random(seed));
        assertNull(s.schedule(), "2 vs 1 leaders is within tolerance");
    }

    @Test
    void skipsDownAndBusyStoresAndPicksFollowerWithFewestLeaders() throws Exception {
        long seed = seed();
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        for (int i = 0; i < 10; i++) {
            sim.addRegion(i, 1, 1, 2, 3, 4);
        }
        sim.clock.advance(sim.cfg.maxStoreDownMillis() + 1);
        sim.heartbeatStore(1, false);
        sim.heartbeatStore(3, true); // busy
        sim.heartbeatStore(4, false); // store 2 is down
        BalanceLeaderScheduler s = new BalanceLeaderScheduler(sim.cluster, sim.oc, sim.cfg, sim.clock,
                new Random(seed));
        Operator op = s.schedule();
        assertNotNull(op, "seed=" + seed);
        assertEquals(List.of(new Step.TransferLeaderStep(1, 4)), op.steps());
    }

    static long[] leaders(SimCluster sim, int stores) {
        long[] out = new long[stores];
        for (int i = 0; i < stores; i++) {
            out[i] = sim.cluster.regionStats(i + 1).leaderCount();
        }
        return out;
    }
}
