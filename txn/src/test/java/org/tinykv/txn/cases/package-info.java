/**
 * The command cases of the transactional API (TinyKV project 4 style), written once against
 * {@link org.tinykv.txn.TxnApi} plus an {@link org.tinykv.txn.engine.Engine} used only to seed and inspect raw
 * MVCC state, so that they run both in-process (MemEngine) and through gRPC on a server (server module ITs, via
 * this module's test-jar). Each {@code *Cases} class is abstract: a concrete test supplies the kit.
 */
package org.tinykv.txn.cases;
