package org.tinykv.raft;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Runs many deterministic {@link Simulation}s. Defaults to 500 seeds; {@code -Draft.sim.seeds=N} runs N seeds,
 * {@code -Draft.sim.seed=S} replays exactly one. A failure names the seed. Half of the check-quorum seeds run
 * lease-based reads ({@code -Draft.sim.lease=half|all|none}, see {@link Simulation}).
 */
class RaftSimulationTest {

    @Test
    void simulatedClustersKeepRaftInvariants() {
        String one = System.getProperty("raft.sim.seed");
        long first = one != null ? Long.parseLong(one) : 1;
        int count = one != null ? 1 : Integer.getInteger("raft.sim.seeds", 500);
        long totalSteps = 0;
        int leaseSeeds = 0;
        long leaseReads = 0;
        long roundReads = 0;
        for (long seed = first; seed < first + count; seed++) {
            Simulation sim = new Simulation(seed);
            try {
                sim.run();
            } catch (AssertionError | RuntimeException e) {
                fail("simulation failed; replay with -Draft.sim.seed=" + seed + ": " + e.getMessage(), e);
            }
            totalSteps += sim.steps();
            if (sim.leaseReads()) {
                leaseSeeds++;
                long[] reads = sim.readCounts();
                leaseReads += reads[0];
                roundReads += reads[1];
            }
        }
        System.out.println("SIMULATION lease seeds=" + leaseSeeds + " leaseReads=" + leaseReads
                + " heartbeatRoundReads=" + roundReads);
        System.out.println("SIMULATION seeds=" + count + " steps=" + totalSteps + " violations=0");
    }
}
