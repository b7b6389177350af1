package org.tinykv.multiraft.operation.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.schedulerpb.ChangePeer;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.TransferLeader;

/** Operators are acted upon only by the leader, for its region, with a current epoch, when they change something. */
class OperatorsTest {
    private static final Peer P1 = Peer.newBuilder().setId(11).setStoreId(1).build();
    private static final Peer P2 = Peer.newBuilder().setId(12).setStoreId(2).build();
    private static final RegionEpoch EPOCH = RegionEpoch.newBuilder().setConfVer(2).setVersion(3).build();
    private static final Region REGION = Region.newBuilder().setId(5).setRegionEpoch(EPOCH).addPeers(P1)
            .addPeers(P2).build();

    @Test
    void transferAndChangePeer() {
        final RegionHeartbeatResponse transfer = RegionHeartbeatResponse.newBuilder().setRegionId(5)
                .setRegionEpoch(EPOCH).setTransferLeader(TransferLeader.newBuilder().setPeer(P2)).build();
        assertEquals(new Operators.Transfer(12), Operators.check(transfer, REGION, P1, true));
        assertNull(Operators.check(transfer, REGION, P1, false), "followers ignore operators");
        assertNull(Operators.check(transfer.toBuilder().setRegionId(6).build(), REGION, P1, true));
        assertNull(Operators.check(transfer.toBuilder().setRegionEpoch(EPOCH.toBuilder().setVersion(2)).build(),
                REGION, P1, true), "stale epoch");
        assertNull(Operators.check(transfer.toBuilder().setTransferLeader(TransferLeader.newBuilder().setPeer(P1))
                .build(), REGION, P1, true), "transfer to self");

        final Peer p3 = Peer.newBuilder().setId(13).setStoreId(3).build();
        final RegionHeartbeatResponse add = RegionHeartbeatResponse.newBuilder().setRegionId(5)
                .setRegionEpoch(EPOCH).setChangePeer(ChangePeer.newBuilder().setPeer(p3)
                        .setChangeType(ConfChangeType.AddNode)).build();
        final Operators.Action a = Operators.check(add, REGION, P1, true);
        assertInstanceOf(Operators.Change.class, a);
        assertEquals(EPOCH, ((Operators.Change) a).command().getHeader().getRegionEpoch());
        assertNull(Operators.check(add.toBuilder().setChangePeer(ChangePeer.newBuilder().setPeer(P2)
                .setChangeType(ConfChangeType.AddNode)).build(), REGION, P1, true), "already a member");
    }
}
