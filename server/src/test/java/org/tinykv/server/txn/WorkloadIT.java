package org.tinykv.server.txn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.workload.BankWorkload;
import org.tinykv.txn.workload.SnapshotIsolationWorkload;
import org.tinykv.txn.workload.Tso;

/**
 * txn's concurrent workloads through gRPC on an in-JVM standalone server (wiped before each test): the bank
 * (8 clients x 50 transfers, the total constant at every snapshot) and the snapshot-isolation history check
 * (4 clients x 60 transactions). Seeds are printed; replay with {@code -Dserver.bank.seed=} /
 * {@code -Dserver.si.seed=}.
 */
class WorkloadIT {
    private static final long BANK_SEED = Long.getLong("server.bank.seed", System.nanoTime());
    private static final long SI_SEED = Long.getLong("server.si.seed", System.nanoTime());

    @RegisterExtension
    static final TxnServerFixture SERVER = new TxnServerFixture();

    @BeforeEach
    void wipe() {
        SERVER.freshKit();
    }

    @Test
    void bankTotalNeverChangesThroughGrpc() throws Exception {
        BankWorkload.Outcome outcome = BankWorkload.run(SERVER.api(), new Tso(),
                new BankWorkload.Params(8, 50, BANK_SEED, "server.bank.seed", 60_000));
        // The workload throws if the total ever changes; these guard against a run that moved or audited nothing.
        assertTrue(outcome.committed() > 0, "no transfer committed, seed=" + BANK_SEED);
        assertTrue(outcome.audits() > 0, "no audit ran, seed=" + BANK_SEED);
    }

    @Test
    void historiesAreSnapshotIsolatedThroughGrpc() throws Exception {
        int committed = SnapshotIsolationWorkload.run(SERVER.api(), new Tso(),
                new SnapshotIsolationWorkload.Params(4, 60, SI_SEED, "server.si.seed", 60_000));
        assertTrue(committed > 0, "no transaction committed, seed=" + SI_SEED);
    }
}
