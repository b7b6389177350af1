package org.tinykv.txn;

import org.tinykv.txn.cases.RollbackCheckResolveCases;
import org.tinykv.txn.cases.TxnCaseKit;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/** KvBatchRollback, KvCheckTxnStatus and KvResolveLock: the shared cases, in-process over a fresh MemEngine. */
class RollbackCheckResolveTest extends RollbackCheckResolveCases {
    @Override
    protected TxnCaseKit newKit() {
        MemEngine engine = new MemEngine();
        return new TxnCaseKit(new TxnCommands(engine, new Latches(64)), engine);
    }
}
