package org.tinykv.multiraft.transport;

import org.tinykv.proto.raft_serverpb.RaftMessage;

/**
 * The receiving store's side of a snapshot transfer: copies (and verifies) the files into its own snapshot
 * directory, then takes the {@code MsgSnapshot} raft message.
 */
@FunctionalInterface
public interface SnapshotReceiver {

    /** Returns true if the files were received intact and the message was accepted for delivery. */
    boolean receive(RaftMessage message, SnapshotFiles files);
}
