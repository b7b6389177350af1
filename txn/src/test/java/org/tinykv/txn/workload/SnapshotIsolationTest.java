package org.tinykv.txn.workload;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/** The snapshot-isolation history check in-process: 4 clients x 150 randomized transactions. */
class SnapshotIsolationTest {
    private static final long SEED = Long.getLong("txn.si.seed", System.nanoTime());

    @Test
    void historiesAreSnapshotIsolated() throws Exception {
        TxnCommands cmds = new TxnCommands(MemEngine.withLiveLocks(), new Latches(64));
        int committed = SnapshotIsolationWorkload.run(cmds, new Tso(),
                new SnapshotIsolationWorkload.Params(4, 150, SEED, "txn.si.seed", 90_000));
        // The history check itself throws on an anomaly; this guards against a run that checked nothing.
        assertTrue(committed > 0, "no transaction committed, seed=" + SEED);
    }
}
