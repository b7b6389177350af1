package org.tinykv.raft;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Runs many deterministic {@link Simulation}s. Defaults to 500 seeds; {@code -Draft.sim.seeds=N} runs N seeds,
 * {@code -Draft.sim.seed=S} replays exactly one. A failure names the seed. {@code -Draft.sim.lease=true} runs the
 * check-quorum seeds with lease-based reads (known to fail: see the RawNode javadoc).
 */
class RaftSimulationTest {

    @Test
    void simulatedClustersKeepRaftInvariants() {
        String one = System.getProperty("raft.sim.seed");
        long first = one != null ? Long.parseLong(one) : 1;
        int count = one != null ? 1 : Integer.getInteger("raft.sim.seeds", 500);
        long totalSteps = 0;
        for (long seed = first; seed < first + count; seed++) {
            Simulation sim = new Simulation(seed);
            try {
                sim.run();
            } catch (AssertionError | RuntimeException e) {
                fail("simulation failed; replay with -Draft.sim.seed=" + seed + ": " + e.getMessage(), e);
            }
            totalSteps += sim.steps();
        }
        System.out.println("SIMULATION seeds=" + count + " steps=" + totalSteps + " violations=0");
    }
}
