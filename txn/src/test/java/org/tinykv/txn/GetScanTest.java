package org.tinykv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tinykv.txn.cases.TxnCaseKit.get;
import static org.tinykv.txn.cases.TxnCaseKit.k;
import static org.tinykv.txn.cases.TxnCaseKit.scan;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.errorpb.NotLeader;
import org.tinykv.txn.cases.GetScanCases;
import org.tinykv.txn.cases.TxnCaseKit;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/** KvGet and KvScan: the shared cases in-process over a fresh MemEngine, plus engine region errors. */
class GetScanTest extends GetScanCases {
    private MemEngine engine;

    @Override
    protected TxnCaseKit newKit() {
        engine = new MemEngine();
        return new TxnCaseKit(new TxnCommands(engine, new Latches(64)), engine);
    }

    @Test
    void regionErrorIsReported() {
        Error err = Error.newBuilder().setMessage("not leader")
                .setNotLeader(NotLeader.newBuilder().setRegionId(7)).build();
        engine.injectRegionError(err);
        assertEquals(err, kit.api().get(get(k(1), 10)).getRegionError());
        engine.injectRegionError(err);
        assertEquals(err, kit.api().scan(scan(k(0), 5, 10)).getRegionError());
    }
}
