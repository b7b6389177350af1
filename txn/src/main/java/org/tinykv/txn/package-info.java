/**
 * The transactional KV API of TinyKV: {@link org.tinykv.txn.TxnCommands} serves the kvrpcpb Kv* requests with
 * Percolator transactions over an {@link org.tinykv.txn.engine.Engine}; the gRPC adapter in {@code server}
 * delegates to it one method per RPC.
 */
package org.tinykv.txn;
