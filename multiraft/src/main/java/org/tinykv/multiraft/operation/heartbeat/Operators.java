package org.tinykv.multiraft.operation.heartbeat;

import org.tinykv.multiraft.operation.confchange.ChangePeer;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;

/**
 * Checks a scheduler operator against the region as this peer knows it. An operator is acted upon only by the
 * current leader of the region, only if it names this region and its epoch is not stale, and only if it changes
 * something (a transfer to another peer of the region; a change that {@link ChangePeer#apply} accepts).
 *
 * <p>Thread-safety: stateless.
 */
public final class Operators {

    private Operators() {
    }

    /** What an operator asks of the leader. */
    public sealed interface Action {
    }

    /** Transfer leadership to {@code peerId}. @param peerId the transferee */
    public record Transfer(long peerId) implements Action {
    }

    /** Propose this ChangePeer command. @param command the command */
    public record Change(RaftCmdRequest command) implements Action {
    }

    /** The action of {@code op} for {@code self} leading {@code region}, or null if it must be ignored. */
    public static Action check(final RegionHeartbeatResponse op, final Region region, final Peer self,
                               final boolean leader) {
        if (!leader || op.getRegionId() != region.getId()) {
            return null;
        }
        if (op.hasRegionEpoch() && RegionChecks.isEpochStale(op.getRegionEpoch(), region.getRegionEpoch())) {
            return null;
        }
        if (op.hasTransferLeader()) {
            final Peer to = op.getTransferLeader().getPeer();
            if (to.getId() == self.getId() || RegionChecks.findPeerById(region, to.getId()) == null) {
                return null;
            }
            return new Transfer(to.getId());
        }
        if (op.hasChangePeer()) {
            final RaftCmdRequest cmd = ChangePeer.request(region, self, op.getChangePeer().getChangeType(),
                    op.getChangePeer().getPeer());
            if (ChangePeer.apply(region, cmd.getAdminRequest().getChangePeer()) == null) {
                return null;
            }
            return new Change(cmd);
        }
        return null;
    }
}
