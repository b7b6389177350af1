package org.tinykv.multiraft.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;

/** The in-memory scheduler: ids, bootstrap, heartbeats kept by epoch, operators to every store's listener. */
class InMemorySchedulerClientTest {

    @Test
    void idsBootstrapHeartbeatsAndOperators() throws IOException {
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(100);
        final SchedulerClient a = pd.forStore();
        final SchedulerClient b = pd.forStore();
        assertEquals(100, a.allocId());
        assertEquals(101, b.allocId());
        assertFalse(a.isBootstrapped());
        final Region r = Region.newBuilder().setId(1).setRegionEpoch(RegionEpoch.newBuilder().setVersion(2)
                .setConfVer(1)).addPeers(Peer.newBuilder().setId(2).setStoreId(1)).build();
        a.bootstrap(Store.newBuilder().setId(1).build(), r);
        assertTrue(b.isBootstrapped());
        assertThrows(IOException.class, () -> b.bootstrap(Store.newBuilder().setId(2).build(), r));
        final AskSplitResponse split = a.askSplit(r);
        assertEquals(1, split.getNewPeerIdsCount());
        assertEquals(102, split.getNewRegionId());

        final Region newer = r.toBuilder().setRegionEpoch(RegionEpoch.newBuilder().setVersion(3).setConfVer(1))
                .build();
        a.regionHeartbeat(RegionHeartbeatRequest.newBuilder().setRegion(newer).build());
        a.regionHeartbeat(RegionHeartbeatRequest.newBuilder().setRegion(r).build());
        assertEquals(newer, pd.lastRegionHeartbeat(1).getRegion(), "a stale report does not replace a newer one");
        assertEquals(2, pd.regionHeartbeatCount());

        final List<String> got = new ArrayList<>();
        a.setOperatorListener(op -> got.add("a" + op.getRegionId()));
        b.setOperatorListener(op -> got.add("b" + op.getRegionId()));
        pd.pushOperator(RegionHeartbeatResponse.newBuilder().setRegionId(1).build());
        assertEquals(List.of("a1", "b1"), got);
        b.setOperatorListener(null);
        pd.pushOperator(RegionHeartbeatResponse.newBuilder().setRegionId(2).build());
        assertEquals(List.of("a1", "b1", "a2"), got);
    }
}
