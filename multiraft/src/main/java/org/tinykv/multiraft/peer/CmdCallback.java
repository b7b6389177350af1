package org.tinykv.multiraft.peer;

import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;

/**
 * Receives the outcome of a command: exactly one call per proposed command. Called on a store worker thread: it
 * must return quickly and never block.
 */
@FunctionalInterface
public interface CmdCallback {

    /**
     * @param response the response; {@code response.header.error} is set on failure
     * @param snapshot for a successful command containing a Snap request, a consistent view of the region's data
     *                 as of the command (the callee owns it and must close it); otherwise null
     */
    void onDone(RaftCmdResponse response, RegionSnapshot snapshot);
}
