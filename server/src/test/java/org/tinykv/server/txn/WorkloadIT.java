package org.tinykv.server.txn;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.txn.workload.BankWorkload;
import org.tinykv.txn.workload.SnapshotIsolationWorkload;
import org.tinykv.txn.workload.Tso;

/**
 * txn's concurrent workloads through gRPC on an in-JVM standalone server (a fresh one per test): the bank
 * (8 clients x 50 transfers, the total constant at every snapshot) and the snapshot-isolation history check
 * (4 clients x 60 transactions). Seeds are printed; replay with {@code -Dserver.bank.seed=} /
 * {@code -Dserver.si.seed=}.
 */
class WorkloadIT {
    private static final long BANK_SEED = Long.getLong("server.bank.seed", System.nanoTime());
    private static final long SI_SEED = Long.getLong("server.si.seed", System.nanoTime());

    @TempDir
    Path dir;
    private TxnServerFixture server;

    @BeforeEach
    void start() throws Exception {
        server = TxnServerFixture.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bankTotalNeverChangesThroughGrpc() throws Exception {
        BankWorkload.run(server.api(), new Tso(),
                new BankWorkload.Params(8, 50, BANK_SEED, "server.bank.seed", 60_000));
    }

    @Test
    void historiesAreSnapshotIsolatedThroughGrpc() throws Exception {
        SnapshotIsolationWorkload.run(server.api(), new Tso(),
                new SnapshotIsolationWorkload.Params(4, 60, SI_SEED, "server.si.seed", 60_000));
    }
}
