package org.tinykv.txn.action;

import org.tinykv.txn.types.Lock;

/**
 * An expected per-key failure of an action; maps one to one onto {@code kvrpcpb.KeyError} fields. Immutable.
 */
public sealed interface KeyFailure
        permits KeyFailure.Locked, KeyFailure.Conflict, KeyFailure.Retryable, KeyFailure.Abort {

    /** {@code key} is locked by another transaction's {@code lock}. */
    record Locked(byte[] key, Lock lock) implements KeyFailure {
    }

    /** A write committed at {@code conflictTs}, at or after {@code startTs}, conflicts on {@code key}. */
    record Conflict(byte[] key, byte[] primary, long startTs, long conflictTs) implements KeyFailure {
    }

    /** The request may succeed if the transaction is retried. */
    record Retryable(String message) implements KeyFailure {
    }

    /** The transaction cannot proceed; {@code message} says why. */
    record Abort(String message) implements KeyFailure {
    }
}
