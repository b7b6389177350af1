/**
 * MVCC reads and write buffers over an {@link org.tinykv.txn.engine.EngineSnapshot}: {@link
 * org.tinykv.txn.mvcc.MvccReader} finds locks and versions, {@link org.tinykv.txn.mvcc.MvccTxn} collects the
 * modifications of one command, {@link org.tinykv.txn.mvcc.PointGetter} and {@link org.tinykv.txn.mvcc.Scanner}
 * are the snapshot reads of KvGet and KvScan.
 */
package org.tinykv.txn.mvcc;
