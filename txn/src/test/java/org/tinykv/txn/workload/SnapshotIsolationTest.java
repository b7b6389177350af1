package org.tinykv.txn.workload;

import org.junit.jupiter.api.Test;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/** The snapshot-isolation history check in-process: 4 clients x 150 randomized transactions. */
class SnapshotIsolationTest {
    private static final long SEED = Long.getLong("txn.si.seed", System.nanoTime());

    @Test
    void historiesAreSnapshotIsolated() throws Exception {
        TxnCommands cmds = new TxnCommands(new MemEngine(), new Latches(64));
        SnapshotIsolationWorkload.run(cmds, new Tso(),
                new SnapshotIsolationWorkload.Params(4, 150, SEED, "txn.si.seed", 90_000));
    }
}
