package org.tinykv.multiraft.fsm;

import org.tinykv.multiraft.peer.ApplyResult;
import org.tinykv.multiraft.peer.CmdCallback;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;

/** What can be put into a peer's mailbox. */
public sealed interface PeerMsg {

    /** A raft message from another store. @param message the message */
    record Raft(RaftMessage message) implements PeerMsg {
    }

    /** A command from a client. @param request the command @param callback its answer */
    record Propose(RaftCmdRequest request, CmdCallback callback) implements PeerMsg {
    }

    /** A result of the apply side. @param result the result */
    record Applied(ApplyResult result) implements PeerMsg {
    }

    /** The outcome of sending a snapshot. @param toPeerId receiver @param ok whether it arrived intact */
    record SnapshotStatus(long toPeerId, boolean ok) implements PeerMsg {
    }

    /** A scheduler operator for the region. @param response the heartbeat response carrying it */
    record Operator(RegionHeartbeatResponse response) implements PeerMsg {
    }

    /** The transport lost its connection to a store. @param storeId that store */
    record StoreUnreachable(long storeId) implements PeerMsg {
    }

    /** A hibernating leader's periodic region heartbeat to the scheduler is due. */
    record HibernatingHeartbeat() implements PeerMsg {
        /** The shared instance. */
        public static final HibernatingHeartbeat INSTANCE = new HibernatingHeartbeat();
    }

    /** One logical clock tick. */
    record Tick() implements PeerMsg {
        /** The shared instance. */
        public static final Tick INSTANCE = new Tick();
    }
}
