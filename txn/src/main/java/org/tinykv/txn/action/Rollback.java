package org.tinykv.txn.action;

import java.util.Arrays;
import java.util.Optional;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;
import org.tinykv.txn.mvcc.WriteEntry;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/**
 * Rollback of one key: removes this transaction's lock and staged value, and always leaves a rollback record at
 * the start timestamp so that a late prewrite or commit of the transaction fails. Idempotent; refuses
 * ({@link KeyFailure.Abort}) to roll back a committed key. Another transaction's lock is left alone. Stateless.
 */
public final class Rollback {
    private Rollback() {
    }

    /** Rolls back {@code key} for {@code txn}. */
    public static Optional<KeyFailure> apply(MvccTxn txn, MvccReader reader, byte[] key) {
        WriteEntry mine = reader.currentWrite(key, txn.startTs());
        if (mine != null) {
            if (mine.write().kind() == WriteKind.ROLLBACK) {
                return Optional.empty();
            }
            return Optional.of(new KeyFailure.Abort("transaction " + TimeStamp.toString(txn.startTs())
                    + " is already committed at " + TimeStamp.toString(mine.commitTs()) + " on key "
                    + Arrays.toString(key)));
        }
        Lock lock = reader.getLock(key);
        if (lock != null && lock.startTs() == txn.startTs()) {
            removeLock(txn, key, lock);
        }
        writeRollbackRecord(txn, key);
        return Optional.empty();
    }

    /** Removes this transaction's {@code lock} on {@code key} and its staged value. */
    static void removeLock(MvccTxn txn, byte[] key, Lock lock) {
        txn.deleteLock(key);
        if (hasStagedValue(lock)) {
            txn.deleteValue(key);
        }
    }

    /** Whether {@code lock} has its value staged in the default CF (a put whose value is not kept inline). */
    static boolean hasStagedValue(Lock lock) {
        return lock.kind() == LockKind.PUT && lock.shortValue() == null;
    }

    /** Buffers the rollback record of {@code txn} on {@code key}. */
    static void writeRollbackRecord(MvccTxn txn, byte[] key) {
        txn.putWrite(key, txn.startTs(), new Write(txn.startTs(), WriteKind.ROLLBACK));
    }
}
