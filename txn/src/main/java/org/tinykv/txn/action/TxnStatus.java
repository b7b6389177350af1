package org.tinykv.txn.action;

/**
 * The status of a transaction as seen at its primary key. Immutable value.
 *
 * @param lockTtl the primary lock's TTL if the transaction is still locked, else 0
 * @param commitTs the commit timestamp if committed, else 0
 * @param action what checking did
 */
public record TxnStatus(long lockTtl, long commitTs, Action action) {
    /** Side effect of a status check; maps onto {@code kvrpcpb.Action}. */
    public enum Action {
        /** Nothing was written. */
        NO_ACTION,
        /** The primary lock had expired and was rolled back. */
        TTL_EXPIRE_ROLLBACK,
        /** No lock and no write existed; a rollback record was written. */
        LOCK_NOT_EXIST_ROLLBACK
    }
}
