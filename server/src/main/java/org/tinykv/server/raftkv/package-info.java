/**
 * The replicated store behind the gRPC service: {@link org.tinykv.server.raftkv.RaftKv} turns each request's
 * routing context into a raft command of multiraft's {@code Store} (reads as Snap commands served by ReadIndex or the
 * leader lease, writes as Put/Delete commands answered after apply) and serves the raw API over it;
 * {@link org.tinykv.server.raftkv.RaftTxnEngine} is the transaction layer's {@code Engine} over the same commands.
 * Region errors of the store pass through unchanged, to be put into the responses' {@code region_error}.
 */
package org.tinykv.server.raftkv;
