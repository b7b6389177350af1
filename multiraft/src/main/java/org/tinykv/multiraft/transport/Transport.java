package org.tinykv.multiraft.transport;

import org.tinykv.proto.raft_serverpb.RaftMessage;

/**
 * Delivers raft messages to the store holding {@code message.to_peer}. Best effort: a message may be lost,
 * delayed, duplicated or reordered and raft tolerates it. Implementations: {@link SimTransport} (in-process,
 * with fault filters); the gRPC one lives in the server module.
 *
 * <p>Thread-safety: implementations must be safe for concurrent callers; {@link #send} must not block on the
 * network.
 */
public interface Transport {

    /** Queues {@code message} for delivery to the store {@code message.getToPeer().getStoreId()}. */
    void send(RaftMessage message);
}
