package org.tinykv.server.raftkv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.workload.BankWorkload;
import org.tinykv.txn.workload.Tso;

/**
 * txn's bank workload through gRPC on the leader of a 3-store replicated cluster: 6 clients x 30 transfers with
 * conflicts, crashed clients and lock resolution; the total must be the same at every audit. The seed is printed
 * in every failure; replay with {@code -Dserver.raft.bank.seed=}.
 */
@Timeout(120)
class RaftWorkloadIT {
    private static final long SEED = Long.getLong("server.raft.bank.seed", System.nanoTime());

    @RegisterExtension
    static final RaftTxnFixture CLUSTER = new RaftTxnFixture();

    @Test
    void bankTotalIsConservedThroughTheReplicatedEngine() throws Exception {
        CLUSTER.freshKit();
        System.out.println("RaftWorkloadIT seed=" + SEED + " (replay: -Dserver.raft.bank.seed=" + SEED + ")");
        final BankWorkload.Outcome outcome = BankWorkload.run(CLUSTER.api(), new Tso(),
                new BankWorkload.Params(6, 30, SEED, "server.raft.bank.seed", 90_000));
        assertTrue(outcome.committed() > 0, "no transfer committed, seed=" + SEED);
        assertTrue(outcome.audits() > 0, "no audit ran, seed=" + SEED);
    }
}
