package org.tinykv.multiraft.operation.confchange;

import com.google.protobuf.InvalidProtocolBufferException;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminRequest;
import org.tinykv.proto.raft_cmdpb.ChangePeerRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.RegionLocalState;

/**
 * The conf change rules: building and parsing ChangePeer commands, the region after one, and whether a raft
 * message may create a peer on this store.
 *
 * <p>Thread-safety: stateless.
 */
public final class ChangePeer {

    private ChangePeer() {
    }

    /** A ChangePeer command for {@code region} (its current epoch), sent to {@code self}. */
    public static RaftCmdRequest request(final Region region, final Peer self, final ConfChangeType type,
                                         final Peer target) {
        return RaftCmdRequest.newBuilder()
                .setHeader(RaftRequestHeader.newBuilder().setRegionId(region.getId()).setPeer(self)
                        .setRegionEpoch(region.getRegionEpoch()))
                .setAdminRequest(AdminRequest.newBuilder().setCmdType(AdminCmdType.ChangePeer)
                        .setChangePeer(ChangePeerRequest.newBuilder().setChangeType(type).setPeer(target)))
                .build();
    }

    /** The raft conf change carrying {@code req} (a ChangePeer command) in its context. */
    public static ConfChange toConfChange(final RaftCmdRequest req) {
        final ChangePeerRequest cp = req.getAdminRequest().getChangePeer();
        return ConfChange.newBuilder().setChangeType(cp.getChangeType()).setNodeId(cp.getPeer().getId())
                .setContext(req.toByteString()).build();
    }

    /** The command in a committed conf change's context; throws IllegalStateException if unparsable. */
    public static RaftCmdRequest commandOf(final ConfChange cc) {
        try {
            return RaftCmdRequest.parseFrom(cc.getContext());
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException("unparsable conf change context", e);
        }
    }

    /**
     * The region after {@code cp}, with conf_ver incremented; null if it changes nothing (adding a present peer,
     * removing an absent one) or is not supported (learners).
     */
    public static Region apply(final Region region, final ChangePeerRequest cp) {
        final Peer target = cp.getPeer();
        final Region.Builder b = region.toBuilder();
        if (cp.getChangeType() == ConfChangeType.AddNode) {
            if (RegionChecks.findPeerById(region, target.getId()) != null
                    || RegionChecks.findPeer(region, target.getStoreId()) != null) {
                return null;
            }
            b.addPeers(target);
        } else if (cp.getChangeType() == ConfChangeType.RemoveNode) {
            if (RegionChecks.findPeerById(region, target.getId()) == null) {
                return null;
            }
            b.clearPeers();
            for (final Peer p : region.getPeersList()) {
                if (p.getId() != target.getId()) {
                    b.addPeers(p);
                }
            }
        } else {
            return null;
        }
        b.setRegionEpoch(region.getRegionEpoch().toBuilder().setConfVer(region.getRegionEpoch().getConfVer() + 1));
        return b.build();
    }

    /**
     * Whether a message for a region this store has no live peer of may create one: it must come from a leader
     * (append, heartbeat or snapshot), not be a tombstone notice, and — if the store keeps a tombstone of the
     * region ({@code local}, nullable) — carry a newer conf version than the tombstone.
     */
    public static boolean mayCreatePeer(final RaftMessage msg, final RegionLocalState local) {
        final MessageType t = msg.getMessage().getMsgType();
        if (msg.getIsTombstone() || (t != MessageType.MsgAppend && t != MessageType.MsgHeartbeat
                && t != MessageType.MsgSnapshot)) {
            return false;
        }
        if (local == null) {
            return true;
        }
        if (local.getState() != PeerState.Tombstone) {
            return false;
        }
        return msg.getRegionEpoch().getConfVer() > local.getRegion().getRegionEpoch().getConfVer();
    }
}
