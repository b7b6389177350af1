package org.tinykv.multiraft.transport;

import java.util.function.Consumer;
import org.tinykv.proto.raft_serverpb.RaftMessage;

/**
 * Delivers raft messages to the store holding {@code message.to_peer}. Best effort: a message may be lost,
 * delayed, duplicated or reordered and raft tolerates it. Implementations: {@link SimTransport} (in-process,
 * with fault filters); the gRPC one lives in the server module (it streams a snapshot's files in chunks of at
 * most 1 MiB after the message, as {@code raft_serverpb.SnapshotChunk}s).
 *
 * <p>Thread-safety: implementations must be safe for concurrent callers; neither method may block on the
 * network.
 */
public interface Transport {

    /** Queues {@code message} for delivery to the store {@code message.getToPeer().getStoreId()}. */
    void send(RaftMessage message);

    /**
     * Queues a {@code MsgSnapshot} message with its files (which must stay in place until {@code done} runs).
     * {@code done} gets true once the receiver has the files and the message, false if the transfer failed; it
     * runs on a transport thread and must only enqueue.
     */
    void sendSnapshot(RaftMessage message, SnapshotFiles files, Consumer<Boolean> done);
}
