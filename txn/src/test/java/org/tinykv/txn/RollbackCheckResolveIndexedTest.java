package org.tinykv.txn;

import org.tinykv.txn.cases.RollbackCheckResolveCases;
import org.tinykv.txn.cases.TxnCaseKit;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/**
 * The same cases over an engine that keeps an index of live locks, so that KvResolveLock finds its keys there
 * instead of scanning the lock CF (the server's engines keep one).
 */
class RollbackCheckResolveIndexedTest extends RollbackCheckResolveCases {
    @Override
    protected TxnCaseKit newKit() {
        MemEngine engine = MemEngine.withLiveLocks();
        return new TxnCaseKit(new TxnCommands(engine, new Latches(64)), engine);
    }
}
