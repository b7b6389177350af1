package org.tinykv.multiraft.operation.confchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.ChangePeerRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.RegionLocalState;

class ChangePeerTest {
    private static final Peer P1 = Peer.newBuilder().setId(11).setStoreId(1).build();
    private static final Peer P2 = Peer.newBuilder().setId(12).setStoreId(2).build();
    private static final Peer P3 = Peer.newBuilder().setId(13).setStoreId(3).build();
    private static final Region REGION = Region.newBuilder().setId(1).addPeers(P1).addPeers(P2)
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(4).setVersion(2)).build();

    private static ChangePeerRequest cp(final ConfChangeType t, final Peer p) {
        return ChangePeerRequest.newBuilder().setChangeType(t).setPeer(p).build();
    }

    @Test
    void addAndRemoveBumpConfVerOnly() {
        final Region added = ChangePeer.apply(REGION, cp(ConfChangeType.AddNode, P3));
        assertEquals(3, added.getPeersCount());
        assertEquals(5, added.getRegionEpoch().getConfVer());
        assertEquals(2, added.getRegionEpoch().getVersion());
        final Region removed = ChangePeer.apply(added, cp(ConfChangeType.RemoveNode, P1));
        assertEquals(java.util.List.of(P2, P3), removed.getPeersList());
        assertEquals(6, removed.getRegionEpoch().getConfVer());
        assertNull(ChangePeer.apply(REGION, cp(ConfChangeType.AddNode, P2)), "already there");
        assertNull(ChangePeer.apply(REGION, cp(ConfChangeType.AddNode, Peer.newBuilder().setId(99).setStoreId(2)
                .build())), "a second peer on one store");
        assertNull(ChangePeer.apply(REGION, cp(ConfChangeType.RemoveNode, P3)), "absent");
        assertNull(ChangePeer.apply(REGION, cp(ConfChangeType.AddLearnerNode, P3)), "learners unsupported");
    }

    @Test
    void commandTravelsInTheConfChangeContext() {
        final RaftCmdRequest req = ChangePeer.request(REGION, P1, ConfChangeType.AddNode, P3);
        final ConfChange cc = ChangePeer.toConfChange(req);
        assertEquals(13, cc.getNodeId());
        assertEquals(ConfChangeType.AddNode, cc.getChangeType());
        assertEquals(req, ChangePeer.commandOf(cc));
        assertEquals(4, req.getHeader().getRegionEpoch().getConfVer());
    }

    private static RaftMessage msg(final MessageType t, final long confVer) {
        return RaftMessage.newBuilder().setRegionId(1).setFromPeer(P1).setToPeer(P3)
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(confVer).setVersion(2))
                .setMessage(Message.newBuilder().setMsgType(t)).build();
    }

    @Test
    void onlyLeaderMessagesNewerThanATombstoneCreatePeers() {
        assertTrue(ChangePeer.mayCreatePeer(msg(MessageType.MsgAppend, 5), null));
        assertTrue(ChangePeer.mayCreatePeer(msg(MessageType.MsgHeartbeat, 5), null));
        assertTrue(ChangePeer.mayCreatePeer(msg(MessageType.MsgSnapshot, 5), null));
        assertFalse(ChangePeer.mayCreatePeer(msg(MessageType.MsgRequestVote, 5), null));
        assertFalse(ChangePeer.mayCreatePeer(msg(MessageType.MsgAppend, 5).toBuilder().setIsTombstone(true)
                .build(), null));
        final RegionLocalState tomb = RegionLocalState.newBuilder().setState(PeerState.Tombstone)
                .setRegion(REGION.toBuilder().setRegionEpoch(RegionEpoch.newBuilder().setConfVer(6))).build();
        assertFalse(ChangePeer.mayCreatePeer(msg(MessageType.MsgAppend, 6), tomb), "same conf_ver: stale");
        assertFalse(ChangePeer.mayCreatePeer(msg(MessageType.MsgAppend, 3), tomb), "older");
        assertTrue(ChangePeer.mayCreatePeer(msg(MessageType.MsgAppend, 7), tomb), "re-added later");
        final RegionLocalState normal = tomb.toBuilder().setState(PeerState.Normal).build();
        assertFalse(ChangePeer.mayCreatePeer(msg(MessageType.MsgAppend, 9), normal), "a live region");
    }
}
