package org.tinykv.scheduler.operator;

import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.schedulerpb.ChangePeer;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.TransferLeader;
import org.tinykv.scheduler.cluster.RegionInfo;

/** One step of an {@link Operator}. Steps are immutable values. */
public sealed interface Step {

    /** Returns whether the region, as last reported, shows the step done. */
    boolean isFinished(RegionInfo region);

    /**
     * Fills the order of this step into {@code resp}; returns false if the step cannot be expressed against the
     * region (e.g. the target peer vanished), which cancels the operator.
     */
    boolean fill(RegionInfo region, RegionHeartbeatResponse.Builder resp);

    /** Returns the store whose replica count the step changes, or 0 for leader moves. */
    long movedStore();

    /** Adds peer {@code peerId} on {@code storeId}; done once the peer is in the region and not pending. */
    record AddPeer(long storeId, long peerId) implements Step {
        @Override
        public boolean isFinished(RegionInfo region) {
            Peer p = region.peerOnStore(storeId);
            return p != null && p.getId() == peerId && !region.isPending(p);
        }

        @Override
        public boolean fill(RegionInfo region, RegionHeartbeatResponse.Builder resp) {
            Peer p = region.peerOnStore(storeId);
            if (p != null && p.getId() != peerId) {
                return false; // another peer already lives on the target store
            }
            Peer add = Peer.newBuilder().setId(peerId).setStoreId(storeId).build();
            resp.setChangePeer(ChangePeer.newBuilder().setPeer(add).setChangeType(ConfChangeType.AddNode));
            return true;
        }

        @Override
        public long movedStore() {
            return storeId;
        }
    }

    /** Removes the peer on {@code storeId}; done once the region has no peer there. */
    record RemovePeer(long storeId) implements Step {
        @Override
        public boolean isFinished(RegionInfo region) {
            return region.peerOnStore(storeId) == null;
        }

        @Override
        public boolean fill(RegionInfo region, RegionHeartbeatResponse.Builder resp) {
            Peer p = region.peerOnStore(storeId);
            if (p == null) {
                return false;
            }
            resp.setChangePeer(ChangePeer.newBuilder().setPeer(p).setChangeType(ConfChangeType.RemoveNode));
            return true;
        }

        @Override
        public long movedStore() {
            return storeId;
        }
    }

    /** Moves leadership from {@code fromStore} to {@code toStore}; done once the leader is on toStore. */
    record TransferLeaderStep(long fromStore, long toStore) implements Step {
        @Override
        public boolean isFinished(RegionInfo region) {
            return region.leaderOn(toStore);
        }

        @Override
        public boolean fill(RegionInfo region, RegionHeartbeatResponse.Builder resp) {
            Peer p = region.peerOnStore(toStore);
            if (p == null) {
                return false;
            }
            resp.setTransferLeader(TransferLeader.newBuilder().setPeer(p));
            return true;
        }

        @Override
        public long movedStore() {
            return 0;
        }
    }
}
