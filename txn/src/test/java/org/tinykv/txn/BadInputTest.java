package org.tinykv.txn;

import org.tinykv.txn.cases.BadInputCases;
import org.tinykv.txn.cases.TxnCaseKit;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/** Malformed requests and corrupt records: the shared cases, in-process over a fresh MemEngine. */
class BadInputTest extends BadInputCases {
    @Override
    protected TxnCaseKit newKit() {
        MemEngine engine = new MemEngine();
        return new TxnCaseKit(new TxnCommands(engine, new Latches(64)), engine);
    }
}
