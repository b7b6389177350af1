package org.tinykv.txn.action;

import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;
import org.tinykv.txn.mvcc.WriteEntry;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.WriteKind;

/**
 * Checks a transaction through its primary key. A live primary lock reports its TTL; an expired one (judged on
 * the physical parts of the timestamps, see {@link TimeStamp#isExpired}) is rolled back. Without the lock, a
 * commit reports its commit timestamp, a rollback reports zeros, and if nothing exists a rollback record is
 * written so the transaction can never commit. Stateless.
 */
public final class CheckTxnStatus {
    private CheckTxnStatus() {
    }

    /** Checks the transaction {@code txn.startTs()} at {@code primary}, as of {@code currentTs}. */
    public static TxnStatus apply(MvccTxn txn, MvccReader reader, byte[] primary, long currentTs) {
        Lock lock = reader.getLock(primary);
        if (lock != null && lock.startTs() == txn.startTs()) {
            if (TimeStamp.isExpired(lock.startTs(), lock.ttl(), currentTs)) {
                Rollback.removeLock(txn, primary, lock);
                Rollback.writeRollbackRecord(txn, primary);
                return new TxnStatus(0, 0, TxnStatus.Action.TTL_EXPIRE_ROLLBACK);
            }
            return new TxnStatus(lock.ttl(), 0, TxnStatus.Action.NO_ACTION);
        }
        WriteEntry mine = reader.currentWrite(primary, txn.startTs());
        if (mine != null) {
            long commitTs = mine.write().kind() == WriteKind.ROLLBACK ? 0 : mine.commitTs();
            return new TxnStatus(0, commitTs, TxnStatus.Action.NO_ACTION);
        }
        Rollback.writeRollbackRecord(txn, primary);
        return new TxnStatus(0, 0, TxnStatus.Action.LOCK_NOT_EXIST_ROLLBACK);
    }
}
