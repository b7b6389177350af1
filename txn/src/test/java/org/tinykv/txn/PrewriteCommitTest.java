package org.tinykv.txn;

import org.tinykv.txn.cases.PrewriteCommitCases;
import org.tinykv.txn.cases.TxnCaseKit;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/** KvPrewrite and KvCommit: the shared cases, in-process over a fresh MemEngine. */
class PrewriteCommitTest extends PrewriteCommitCases {
    @Override
    protected TxnCaseKit newKit() {
        MemEngine engine = new MemEngine();
        return new TxnCaseKit(new TxnCommands(engine, new Latches(64)), engine);
    }
}
