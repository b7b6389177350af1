package org.tinykv.txn.cases;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.txn.cases.TxnCaseKit.commit;
import static org.tinykv.txn.cases.TxnCaseKit.get;
import static org.tinykv.txn.cases.TxnCaseKit.k;
import static org.tinykv.txn.cases.TxnCaseKit.mut;
import static org.tinykv.txn.cases.TxnCaseKit.prewrite;
import static org.tinykv.txn.cases.TxnCaseKit.scan;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.kvrpcpb.CommitResponse;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.MvccKey;
import org.tinykv.txn.types.ShortValue;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/** KvPrewrite and KvCommit, mirroring the cases of TinyKV's project 4 tests, plus Op_Lock. */
public abstract class PrewriteCommitCases extends TxnCases {

    @Test
    public void singlePrewrite() {
        PrewriteResponse r = kit.api().prewrite(prewrite(100, k(3), 1000, mut(Op.Put, k(3), k(42))));
        assertEquals(0, r.getErrorsCount());
        assertFalse(r.hasRegionError());
        kit.assertLens(0, 1, 0);
        kit.assertValue(k(3), 100, k(42));
        assertEquals(new Lock(k(3), 100, 1000, LockKind.PUT, k(42)), kit.lockOf(k(3)));
    }

    @Test
    public void prewriteLockedByOtherTxn() {
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42)))).getErrorsCount());
        PrewriteResponse r = kit.api().prewrite(prewrite(101, k(3), 0, mut(Op.Put, k(3), k(53))));
        assertEquals(1, r.getErrorsCount());
        assertTrue(r.getErrors(0).hasLocked());
        assertEquals(100, r.getErrors(0).getLocked().getLockVersion());
        kit.assertLens(0, 1, 0);
        kit.assertValue(k(3), 100, k(42));
    }

    @Test
    public void prewriteIsIdempotentForTheSameTxn() {
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42)))).getErrorsCount());
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42)))).getErrorsCount());
        kit.assertLens(0, 1, 0);
    }

    @Test
    public void prewriteWriteConflict() {
        kit.committed(k(3), 80, 101, k(5));
        PrewriteResponse r = kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42))));
        assertEquals(1, r.getErrorsCount());
        assertTrue(r.getErrors(0).hasConflict());
        assertEquals(100, r.getErrors(0).getConflict().getStartTs());
        assertEquals(101, r.getErrors(0).getConflict().getConflictTs());
        assertArrayEquals(k(3), r.getErrors(0).getConflict().getPrimary().toByteArray());
        kit.assertLens(1, 0, 1);
    }

    @Test
    public void prewriteAfterOlderWriteIsNoConflict() {
        kit.committed(k(3), 80, 90, k(5));
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42)))).getErrorsCount());
        kit.assertLens(1, 1, 1);
    }

    @Test
    public void prewriteAfterOwnRollbackConflicts() {
        kit.write(k(3), 100, WriteKind.ROLLBACK, 100);
        PrewriteResponse r = kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42))));
        assertTrue(r.getErrors(0).hasConflict());
        kit.assertLens(0, 0, 1);
    }

    @Test
    public void multiplePrewritesOfDifferentKeys() {
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42)))).getErrorsCount());
        assertEquals(0, kit.api().prewrite(prewrite(101, k(4), 0, mut(Op.Put, k(4), k(53)))).getErrorsCount());
        kit.assertLens(0, 2, 0);
    }

    @Test
    public void overwriteWithinOnePrewrite() {
        PrewriteResponse r = kit.api().prewrite(prewrite(100, k(3), 0,
                mut(Op.Put, k(3), k(42)), mut(Op.Put, k(3), k(45))));
        assertEquals(0, r.getErrorsCount());
        kit.assertLens(0, 1, 0);
        kit.assertValue(k(3), 100, k(45));
    }

    @Test
    public void prewriteMultipleMutations() {
        PrewriteResponse r = kit.api().prewrite(prewrite(100, k(3), 0,
                mut(Op.Put, k(3), k(42)), mut(Op.Put, k(4), k(43)), mut(Op.Put, k(5), k(44)),
                mut(Op.Del, k(4), new byte[0]), mut(Op.Put, k(4), k(1, 3, 5)), mut(Op.Put, k(255), k(45))));
        assertEquals(0, r.getErrorsCount());
        kit.assertLens(0, 4, 0);
        kit.assertValue(k(4), 100, k(1, 3, 5));
    }

    @Test
    public void prewriteIsAllOrNothing() {
        kit.lock(k(5), k(5), 90, 0, LockKind.PUT);
        kit.committed(k(6), 80, 120, k(1));
        PrewriteResponse r = kit.api().prewrite(prewrite(100, k(3), 0,
                mut(Op.Put, k(3), k(42)), mut(Op.Put, k(5), k(43)), mut(Op.Del, k(6), new byte[0])));
        assertEquals(2, r.getErrorsCount());
        assertTrue(r.getErrors(0).hasLocked());
        assertTrue(r.getErrors(1).hasConflict());
        kit.assertLens(1, 1, 1);
        assertNull(kit.lockOf(k(3)));
    }

    @Test
    public void singleCommit() {
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        CommitResponse r = kit.api().commit(commit(100, 110, k(3)));
        assertFalse(r.hasError());
        kit.assertLens(1, 0, 1);
        kit.assertWrite(k(3), 110, WriteKind.PUT, 100);
        assertArrayEquals(k(42), kit.api().get(get(k(3), 110)).getValue().toByteArray());
        assertTrue(kit.api().get(get(k(3), 109)).getNotFound());
    }

    @Test
    public void emptyCommitIsNoop() {
        assertFalse(kit.api().commit(commit(100, 110)).hasError());
        kit.assertLens(0, 0, 0);
    }

    @Test
    public void commitOverwritesOlderValue() {
        kit.committed(k(3), 80, 84, k(15));
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        assertFalse(kit.api().commit(commit(100, 110, k(3))).hasError());
        kit.assertLens(2, 0, 2);
        kit.assertWrite(k(3), 110, WriteKind.PUT, 100);
        assertArrayEquals(k(15), kit.api().get(get(k(3), 100)).getValue().toByteArray());
        assertArrayEquals(k(42), kit.api().get(get(k(3), 200)).getValue().toByteArray());
    }

    @Test
    public void commitMultipleKeysLeavesOtherDataAlone() {
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        kit.prewritten(k(12, 4, 0), k(3), 100, 0, k(1, 1, 0, 0, 1, 5));
        kit.prewritten(k(15), k(3), 100, 0, k(0));
        kit.committed(k(4), 80, 84, k(15));
        kit.committed(k(3, 0), 80, 84, k(150));
        kit.prewritten(k(2), k(2), 99, 0, k(0, 0, 0, 8));
        kit.prewritten(k(43, 6), k(2), 99, 0, k(1, 1, 0, 0, 1, 5));
        CommitResponse r = kit.api().commit(commit(100, 110, k(3), k(12, 4, 0), k(15)));
        assertFalse(r.hasError());
        kit.assertLens(7, 2, 5);
        kit.assertWrite(k(3), 110, WriteKind.PUT, 100);
        kit.assertWrite(k(12, 4, 0), 110, WriteKind.PUT, 100);
        kit.assertWrite(k(15), 110, WriteKind.PUT, 100);
        assertEquals(99, kit.lockOf(k(2)).startTs());
        assertEquals(99, kit.lockOf(k(43, 6)).startTs());
    }

    @Test
    public void recommitSameKeyTwiceInOneRequest() {
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        assertFalse(kit.api().commit(commit(100, 110, k(3), k(3))).hasError());
        kit.assertLens(1, 0, 1);
    }

    @Test
    public void commitOfRolledBackTxnFails() {
        kit.write(k(3), 100, WriteKind.ROLLBACK, 100);
        CommitResponse r = kit.api().commit(commit(100, 110, k(3)));
        assertFalse(r.getError().getAbort().isEmpty());
        kit.assertLens(0, 0, 1);
    }

    @Test
    public void commitWhenLockedByOtherTxnIsRetryable() {
        kit.prewritten(k(3), k(3), 90, 0, k(110));
        CommitResponse r = kit.api().commit(commit(100, 110, k(3)));
        assertFalse(r.getError().getRetryable().isEmpty());
        kit.assertLens(1, 1, 0);
        assertEquals(90, kit.lockOf(k(3)).startTs());
    }

    @Test
    public void repeatedCommitIsIdempotent() {
        kit.value(k(3), 100, k(42));
        kit.write(k(3), 110, WriteKind.PUT, 100);
        assertFalse(kit.api().commit(commit(100, 110, k(3))).hasError());
        kit.assertLens(1, 0, 1);
        kit.prewritten(k(4), k(3), 100, 0, k(1));
        assertFalse(kit.api().commit(commit(100, 110, k(3), k(4))).hasError());
        kit.assertLens(2, 0, 2);
    }

    @Test
    public void commitWithoutPrewriteIsAnErrorAndChangesNothing() {
        kit.committed(k(4), 80, 84, k(15));
        kit.prewritten(k(5), k(5), 100, 0, k(1));
        CommitResponse r = kit.api().commit(commit(100, 110, k(5), k(3)));
        assertFalse(r.getError().getAbort().isEmpty(), r.toString());
        kit.assertLens(2, 1, 1);
        assertEquals(100, kit.lockOf(k(5)).startTs());
    }

    @Test
    public void opLockCommitsToLockRecordThatReadsSkip() {
        kit.committed(k(7), 50, 54, k(42));
        assertEquals(0, kit.api().prewrite(prewrite(100, k(7), 0, mut(Op.Lock, k(7), new byte[0])))
                .getErrorsCount());
        assertEquals(LockKind.LOCK, kit.lockOf(k(7)).kind());
        kit.assertLens(1, 1, 1);
        assertFalse(kit.api().commit(commit(100, 110, k(7))).hasError());
        kit.assertWrite(k(7), 110, WriteKind.LOCK, 100);
        assertArrayEquals(k(42), kit.api().get(get(k(7), 200)).getValue().toByteArray());
        // a later prewrite by a txn that started before 110 conflicts with the lock record
        assertTrue(kit.api().prewrite(prewrite(105, k(7), 0, mut(Op.Put, k(7), k(1)))).getErrors(0).hasConflict());
    }

    @Test
    public void deleteCommitsToDeletion() {
        kit.committed(k(8), 50, 54, k(42));
        assertEquals(0, kit.api().prewrite(prewrite(100, k(8), 0, mut(Op.Del, k(8), new byte[0])))
                .getErrorsCount());
        assertFalse(kit.api().commit(commit(100, 110, k(8))).hasError());
        assertTrue(kit.api().get(get(k(8), 200)).getNotFound());
        assertArrayEquals(k(42), kit.api().get(get(k(8), 100)).getValue().toByteArray());
    }

    @Test
    public void shortValuesLiveInTheLockAndThenInTheWriteRecord() {
        byte[] shortest = new byte[ShortValue.MAX_LENGTH];
        Arrays.fill(shortest, (byte) 7);
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), shortest))).getErrorsCount());
        kit.assertLens(0, 1, 0);
        assertArrayEquals(shortest, kit.lockOf(k(3)).shortValue());
        assertFalse(kit.api().commit(commit(100, 110, k(3))).hasError());
        kit.assertLens(0, 0, 1);
        assertEquals(new Write(100, WriteKind.PUT, shortest), kit.writeAt(k(3), 110));
        assertArrayEquals(shortest, kit.api().get(get(k(3), 110)).getValue().toByteArray());
        assertArrayEquals(shortest, kit.api().scan(scan(k(3), 10, 110)).getPairs(0).getValue().toByteArray());
    }

    @Test
    public void longValuesAreStagedInTheDefaultColumnFamily() {
        byte[] longValue = new byte[ShortValue.MAX_LENGTH + 1];
        Arrays.fill(longValue, (byte) 9);
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), longValue))).getErrorsCount());
        kit.assertLens(1, 1, 0);
        assertNull(kit.lockOf(k(3)).shortValue());
        assertArrayEquals(longValue, kit.raw(TxnCf.DEFAULT, MvccKey.encode(k(3), 100)));
        assertFalse(kit.api().commit(commit(100, 110, k(3))).hasError());
        kit.assertLens(1, 0, 1);
        kit.assertWrite(k(3), 110, WriteKind.PUT, 100);
        assertArrayEquals(longValue, kit.api().get(get(k(3), 110)).getValue().toByteArray());
    }

    @Test
    public void aRetriedPrewriteMovesTheValueBetweenTheLockAndTheDefaultColumnFamily() {
        byte[] longValue = new byte[ShortValue.MAX_LENGTH + 1];
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), longValue))).getErrorsCount());
        kit.assertLens(1, 1, 0);
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), k(42)))).getErrorsCount());
        kit.assertLens(0, 1, 0);
        kit.assertValue(k(3), 100, k(42));
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Put, k(3), longValue))).getErrorsCount());
        kit.assertLens(1, 1, 0);
        assertNull(kit.lockOf(k(3)).shortValue());
        assertEquals(0, kit.api().prewrite(prewrite(100, k(3), 0, mut(Op.Del, k(3), new byte[0])))
                .getErrorsCount());
        kit.assertLens(0, 1, 0);
        assertEquals(LockKind.DELETE, kit.lockOf(k(3)).kind());
    }
}
