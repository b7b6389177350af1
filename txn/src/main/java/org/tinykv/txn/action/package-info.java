/**
 * The Percolator actions, one class each. An action reads through an {@link org.tinykv.txn.mvcc.MvccReader},
 * buffers its changes in an {@link org.tinykv.txn.mvcc.MvccTxn}, and reports expected failures as
 * {@link org.tinykv.txn.action.KeyFailure} values. Actions never write to the engine themselves and assume the
 * caller holds the latches of the keys involved.
 */
package org.tinykv.txn.action;
