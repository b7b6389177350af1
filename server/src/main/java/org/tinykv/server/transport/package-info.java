/**
 * Raft messages and snapshots between stores over gRPC: {@link org.tinykv.server.transport.GrpcTransport} (the
 * sending side, multiraft's {@code Transport}: one {@code Raft} client stream per destination store, snapshots
 * streamed in chunks and throttled), {@link org.tinykv.server.transport.RaftEndpointService} (the receiving side of
 * the {@code Raft} and {@code Snapshot} RPCs) and the store address resolution they use.
 */
package org.tinykv.server.transport;
