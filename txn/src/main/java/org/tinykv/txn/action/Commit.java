package org.tinykv.txn.action;

import java.util.Arrays;
import java.util.Optional;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;
import org.tinykv.txn.mvcc.WriteEntry;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/**
 * Commit of one key (Percolator phase two): turns this transaction's lock into a write record at the commit
 * timestamp (a short value moves from the lock into the write record). Idempotent: an already committed key is
 * left alone. A key whose transaction was rolled back, or that has neither a lock nor a write of the
 * transaction, fails with {@link KeyFailure.Abort}; a key locked by another transaction (ours being gone) fails
 * with {@link KeyFailure.Retryable}. Stateless.
 */
public final class Commit {
    private Commit() {
    }

    /**
     * Commits {@code key} at {@code commitTs}. Requires: {@code commitTs > txn.startTs()}.
     *
     * @return the failure, or empty when committed (or already committed)
     */
    public static Optional<KeyFailure> apply(MvccTxn txn, MvccReader reader, byte[] key, long commitTs) {
        Lock lock = reader.getLock(key);
        if (lock != null && lock.startTs() == txn.startTs()) {
            txn.putWrite(key, commitTs, new Write(txn.startTs(), lock.kind().writeKind(), lock.shortValue()));
            txn.deleteLock(key);
            return Optional.empty();
        }
        WriteEntry mine = reader.currentWrite(key, txn.startTs());
        if (mine != null) {
            if (mine.write().kind() == WriteKind.ROLLBACK) {
                return Optional.of(new KeyFailure.Abort("transaction " + TimeStamp.toString(txn.startTs())
                        + " was rolled back on key " + Arrays.toString(key)));
            }
            return Optional.empty();
        }
        if (lock != null) {
            return Optional.of(new KeyFailure.Retryable("key " + Arrays.toString(key)
                    + " is locked by transaction " + TimeStamp.toString(lock.startTs())
                    + ", not by " + TimeStamp.toString(txn.startTs())));
        }
        return Optional.of(new KeyFailure.Abort("no lock of transaction " + TimeStamp.toString(txn.startTs())
                + " on key " + Arrays.toString(key) + " (not prewritten)"));
    }
}
