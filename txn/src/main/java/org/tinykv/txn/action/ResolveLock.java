package org.tinykv.txn.action;

import java.util.Optional;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;

/**
 * Resolves one lock of a transaction whose fate is known: commits it at {@code commitTs}, or rolls it back when
 * {@code commitTs == 0}. Stateless.
 */
public final class ResolveLock {
    private ResolveLock() {
    }

    /** Resolves {@code key} for {@code txn}. Requires: {@code commitTs == 0 || commitTs > txn.startTs()}. */
    public static Optional<KeyFailure> apply(MvccTxn txn, MvccReader reader, byte[] key, long commitTs) {
        return commitTs == 0 ? Rollback.apply(txn, reader, key) : Commit.apply(txn, reader, key, commitTs);
    }
}
