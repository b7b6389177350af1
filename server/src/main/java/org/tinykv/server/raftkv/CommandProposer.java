package org.tinykv.server.raftkv;

import org.tinykv.multiraft.peer.CmdCallback;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;

/**
 * Where {@link RaftKv} sends its raft commands: normally a multiraft {@code Store} ({@code store::propose}).
 *
 * <p>Contract (that of {@code Store.propose}): never blocks; calls {@code callback} exactly once, possibly on the
 * calling thread (an immediate error) or later on a store worker thread. Thread-safe.
 */
@FunctionalInterface
public interface CommandProposer {

    /** Routes {@code request} to the peer of its region; {@code callback} receives the outcome. */
    void propose(RaftCmdRequest request, CmdCallback callback);
}
