package org.tinykv.txn.workload;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/** The bank workload in-process: 8 clients x 120 transfers; the total never changes at any snapshot. */
class BankWorkloadTest {
    private static final long SEED = Long.getLong("txn.bank.seed", System.nanoTime());

    @Test
    void totalNeverChanges() throws Exception {
        TxnCommands cmds = new TxnCommands(MemEngine.withLiveLocks(), new Latches(256));
        BankWorkload.Outcome out = BankWorkload.run(cmds, new Tso(),
                new BankWorkload.Params(8, 120, SEED, "txn.bank.seed", 90_000));
        assertTrue(out.committed() > 0, "seed=" + SEED);
    }
}
