/**
 * The small storage API the transaction layer needs: consistent snapshots for reads and atomic writes of a list of
 * {@link org.tinykv.txn.engine.Modify}s over three column families ({@link org.tinykv.txn.engine.TxnCf}).
 * {@link org.tinykv.txn.engine.MemEngine} is an in-memory implementation for tests; the server implements the
 * interface over the lsm engine and over multiraft. An engine may keep a {@link org.tinykv.txn.engine.LiveLocks}
 * index of its lock CF, which lets KvResolveLock find a transaction's locks without scanning the CF's tombstones.
 */
package org.tinykv.txn.engine;
