package org.tinykv.txn.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.tinykv.txn.cases.TxnCaseKit.check;
import static org.tinykv.txn.cases.TxnCaseKit.k;
import static org.tinykv.txn.cases.TxnCaseKit.mut;
import static org.tinykv.txn.cases.TxnCaseKit.prewrite;
import static org.tinykv.txn.cases.TxnCaseKit.resolve;
import static org.tinykv.txn.cases.TxnCaseKit.rollback;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.kvrpcpb.Action;
import org.tinykv.proto.kvrpcpb.BatchRollbackResponse;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.WriteKind;

/** KvBatchRollback, KvCheckTxnStatus and KvResolveLock, mirroring TinyKV's project 4C cases. */
public abstract class RollbackCheckResolveCases extends TxnCases {

    @Test
    public void emptyRollback() {
        BatchRollbackResponse r = kit.api().batchRollback(rollback(100));
        assertFalse(r.hasError());
        kit.assertLens(0, 0, 0);
    }

    @Test
    public void rollbackPrewrite() {
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        assertFalse(kit.api().batchRollback(rollback(100, k(3))).hasError());
        kit.assertLens(0, 0, 1);
        kit.assertWrite(k(3), 100, WriteKind.ROLLBACK, 100);
    }

    @Test
    public void rollbackOfAnInlineValueLeavesOnlyTheRollbackRecord() {
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42)))).getErrorsCount());
        assertFalse(kit.api().batchRollback(rollback(100, k(3))).hasError());
        kit.assertLens(0, 0, 1);
        kit.assertWrite(k(3), 100, WriteKind.ROLLBACK, 100);
        assertNull(kit.valueAt(k(3), 100));
    }

    @Test
    public void rollbackDuplicateKeys() {
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        kit.prewritten(k(15), k(3), 100, 0, k(0));
        assertFalse(kit.api().batchRollback(rollback(100, k(3), k(15), k(3))).hasError());
        kit.assertLens(0, 0, 2);
        kit.assertWrite(k(15), 100, WriteKind.ROLLBACK, 100);
    }

    @Test
    public void rollbackMissingPrewriteLeavesRecord() {
        assertFalse(kit.api().batchRollback(rollback(100, k(3))).hasError());
        kit.assertLens(0, 0, 1);
        kit.assertWrite(k(3), 100, WriteKind.ROLLBACK, 100);
    }

    @Test
    public void rollbackOfCommittedKeyIsRefused() {
        kit.committed(k(3), 100, 110, k(42));
        BatchRollbackResponse r = kit.api().batchRollback(rollback(100, k(3)));
        assertFalse(r.getError().getAbort().isEmpty());
        kit.assertLens(1, 0, 1);
        kit.assertWrite(k(3), 110, WriteKind.PUT, 100);
    }

    @Test
    public void rollbackTwiceIsIdempotent() {
        kit.write(k(3), 100, WriteKind.ROLLBACK, 100);
        assertFalse(kit.api().batchRollback(rollback(100, k(3))).hasError());
        kit.assertLens(0, 0, 1);
    }

    @Test
    public void rollbackKeepsOtherTxnLock() {
        kit.prewritten(k(3), k(3), 80, 0, k(42));
        assertFalse(kit.api().batchRollback(rollback(100, k(3))).hasError());
        kit.assertLens(1, 1, 1);
        assertEquals(80, kit.lockOf(k(3)).startTs());
        kit.assertWrite(k(3), 100, WriteKind.ROLLBACK, 100);
    }

    private static long ts(long physical) {
        return TimeStamp.compose(physical, 0);
    }

    @Test
    public void checkTxnStatusExpiredLockIsRolledBack() {
        long lockTs = TimeStamp.compose(1000, 5);
        kit.prewritten(k(3), k(3), lockTs, 8, k(42));
        CheckTxnStatusResponse r = kit.api().checkTxnStatus(check(k(3), lockTs, TimeStamp.compose(1009, 0)));
        assertFalse(r.hasRegionError());
        assertEquals(Action.TTLExpireRollback, r.getAction());
        assertEquals(0, r.getLockTtl());
        assertEquals(0, r.getCommitVersion());
        kit.assertLens(0, 0, 1);
        kit.assertWrite(k(3), lockTs, WriteKind.ROLLBACK, lockTs);
    }

    @Test
    public void checkTxnStatusTtlJudgedOnPhysicalParts() {
        long lockTs = TimeStamp.compose(1000, 200);
        kit.prewritten(k(3), k(3), lockTs, 8, k(42));
        // physical 1008 is not past 1000 + 8, whatever the logical parts
        CheckTxnStatusResponse r = kit.api().checkTxnStatus(check(k(3), lockTs, TimeStamp.compose(1008, 100_000)));
        assertEquals(Action.NoAction, r.getAction());
        assertEquals(8, r.getLockTtl());
        kit.assertLens(1, 1, 0);
    }

    @Test
    public void checkTxnStatusLiveLock() {
        kit.prewritten(k(3), k(3), ts(1000), 3000, k(42));
        CheckTxnStatusResponse r = kit.api().checkTxnStatus(check(k(3), ts(1000), ts(1500)));
        assertEquals(Action.NoAction, r.getAction());
        assertEquals(3000, r.getLockTtl());
        assertEquals(0, r.getCommitVersion());
        kit.assertLens(1, 1, 0);
    }

    @Test
    public void checkTxnStatusRolledBack() {
        kit.value(k(3), ts(5), k(42));
        kit.write(k(3), ts(5), WriteKind.ROLLBACK, ts(5));
        kit.lock(k(3), k(3), ts(8), 8, LockKind.PUT); // another transaction's lock
        CheckTxnStatusResponse r = kit.api().checkTxnStatus(check(k(3), ts(5), ts(100)));
        assertEquals(Action.NoAction, r.getAction());
        assertEquals(0, r.getCommitVersion());
        assertEquals(0, r.getLockTtl());
        kit.assertLens(1, 1, 1);
    }

    @Test
    public void checkTxnStatusCommitted() {
        kit.committed(k(3), ts(5), ts(6), k(42));
        CheckTxnStatusResponse r = kit.api().checkTxnStatus(check(k(3), ts(5), ts(100)));
        assertEquals(Action.NoAction, r.getAction());
        assertEquals(ts(6), r.getCommitVersion());
        kit.assertLens(1, 0, 1);
    }

    @Test
    public void checkTxnStatusNoLockNoWrite() {
        CheckTxnStatusResponse r = kit.api().checkTxnStatus(check(k(3), ts(5), ts(100)));
        assertEquals(Action.LockNotExistRollback, r.getAction());
        kit.assertLens(0, 0, 1);
        kit.assertWrite(k(3), ts(5), WriteKind.ROLLBACK, ts(5));
        // the transaction can no longer commit or prewrite that key
        assertFalse(kit.api().commit(TxnCaseKit.commit(ts(5), ts(7), k(3))).getError().getAbort().isEmpty());
    }

    @Test
    public void emptyResolve() {
        ResolveLockResponse r = kit.api().resolveLock(resolve(0, 0));
        assertFalse(r.hasError());
        kit.assertLens(0, 0, 0);
    }

    private void resolveData() {
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        kit.prewritten(k(7), k(3), 100, 0, k(43));
        kit.prewritten(k(200), k(200), 110, 0, k(44));
    }

    @Test
    public void resolveCommit() {
        resolveData();
        assertFalse(kit.api().resolveLock(resolve(100, 120)).hasError());
        kit.assertLens(3, 1, 2);
        kit.assertWrite(k(3), 120, WriteKind.PUT, 100);
        kit.assertWrite(k(7), 120, WriteKind.PUT, 100);
        assertEquals(110, kit.lockOf(k(200)).startTs());
    }

    @Test
    public void resolveRollback() {
        resolveData();
        assertFalse(kit.api().resolveLock(resolve(100, 0)).hasError());
        kit.assertLens(1, 1, 2);
        kit.assertWrite(k(3), 100, WriteKind.ROLLBACK, 100);
        kit.assertWrite(k(7), 100, WriteKind.ROLLBACK, 100);
        assertNull(kit.lockOf(k(3)));
    }

    @Test
    public void resolveWhenAlreadyWrittenTouchesNothing() {
        kit.value(k(3), 100, k(42));
        kit.write(k(201), 120, WriteKind.PUT, 100);
        kit.value(k(7), 100, k(43));
        kit.write(k(201), 100, WriteKind.ROLLBACK, 100);
        kit.prewritten(k(200), k(200), 110, 0, k(44));
        assertFalse(kit.api().resolveLock(resolve(100, 120)).hasError());
        kit.assertLens(3, 1, 2);
        assertFalse(kit.api().resolveLock(resolve(100, 0)).hasError());
        kit.assertLens(3, 1, 2);
    }
}
