package org.tinykv.txn.action;

import java.util.Optional;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;
import org.tinykv.txn.mvcc.WriteEntry;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.ShortValue;
import org.tinykv.txn.types.TimeStamp;

/**
 * Prewrite of one key (Percolator phase one). Fails with {@link KeyFailure.Conflict} if any write of the key is
 * keyed at or after the start timestamp (a newer commit, or a rollback of this very transaction), and with
 * {@link KeyFailure.Locked} if another transaction holds the lock. A lock of the same transaction is overwritten,
 * so a retried prewrite is idempotent. A put's value of at most {@link ShortValue#MAX_LENGTH} bytes is kept in the
 * lock; a longer one is staged in the default CF at the start timestamp. Stateless.
 */
public final class Prewrite {
    private Prewrite() {
    }

    /**
     * Prewrites {@code key}. Requires: {@code value} is non-null for {@link LockKind#PUT}.
     *
     * @return the failure, or empty when the lock (and for a put, the value) were buffered in {@code txn}
     */
    public static Optional<KeyFailure> apply(MvccTxn txn, MvccReader reader, LockKind kind, byte[] key,
                                             byte[] value, byte[] primary, long ttl) {
        WriteEntry newest = reader.mostRecentWrite(key);
        if (newest != null && TimeStamp.compare(newest.commitTs(), txn.startTs()) >= 0) {
            return Optional.of(new KeyFailure.Conflict(key, primary, txn.startTs(), newest.commitTs()));
        }
        Lock existing = reader.getLock(key);
        if (existing != null && existing.startTs() != txn.startTs()) {
            return Optional.of(new KeyFailure.Locked(key, existing));
        }
        boolean inline = kind == LockKind.PUT && ShortValue.fits(value);
        if (kind == LockKind.PUT && !inline) {
            txn.putValue(key, value);
        } else if (existing != null && Rollback.hasStagedValue(existing)) {
            txn.deleteValue(key);
        }
        txn.putLock(key, new Lock(primary, txn.startTs(), ttl, kind, inline ? value : null));
        return Optional.empty();
    }
}
