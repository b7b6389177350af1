package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.schedulerpb.ChangePeer;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;
import org.tinykv.proto.schedulerpb.TransferLeader;

/** Region and store heartbeats reach the scheduler; its operators move leadership and change peers. */
class HeartbeatTest {
    private static final long SEED = Long.getLong("multiraft.seed", 11);

    @Test
    void heartbeatsAndOperators() throws IOException {
        System.out.println("HeartbeatTest seed=" + SEED);
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1000);
        try (TestCluster c = new TestCluster(3, SEED, 32L << 20, 1000, pd)) {
            final long leader = c.waitLeader();
            assertTrue(c.runUntil(() -> pd.lastRegionHeartbeat(TestCluster.REGION_ID) != null, 100));
            final RegionHeartbeatRequest hb = pd.lastRegionHeartbeat(TestCluster.REGION_ID);
            assertEquals(c.peer(leader).meta(), hb.getLeader(), "seed=" + SEED);
            assertEquals(3, hb.getRegion().getPeersCount());
            for (int i = 0; i < 50; i++) {
                assertNotNull(c.callLeader(2000, TestCluster.put("k" + i, "value-" + i)));
            }
            final long before = pd.regionHeartbeatCount();
            c.runUntil(() -> false, 250);
            assertTrue(pd.regionHeartbeatCount() > before, "periodic region heartbeat");
            assertTrue(pd.lastRegionHeartbeat(TestCluster.REGION_ID).getApproximateSize() >= 0);
            final StoreHeartbeatRequest sh = pd.lastStoreHeartbeat(leader);
            assertNotNull(sh, "store heartbeat");
            assertEquals(1, sh.getStats().getRegionCount());
            assertEquals(1L << 30, sh.getStats().getCapacity());
            assertTrue(sh.getStats().getUsedSize() > 0, "used bytes");

            final long target = leader == 1 ? 2 : 1;
            final RegionEpoch epoch = c.peer(leader).region().getRegionEpoch();
            final RegionEpoch stale = epoch.toBuilder().setConfVer(epoch.getConfVer() - 1).build();
            pd.pushOperator(transfer(c, target, stale));
            c.runUntil(() -> false, 50);
            assertEquals(leader, c.leaderStore(), "an operator with a stale epoch is ignored");
            pd.pushOperator(transfer(c, target, epoch));
            assertTrue(c.runUntil(() -> c.leaderStore() == target, 500), "transfer leader" + c.describe());
            assertTrue(c.runUntil(() -> pd.lastRegionHeartbeat(TestCluster.REGION_ID).getLeader().getStoreId()
                    == target, 100), "new leader reports");

            final long victim = otherThan(target, leader);
            final Peer victimPeer = c.peer(victim).meta();
            pd.pushOperator(RegionHeartbeatResponse.newBuilder().setRegionId(TestCluster.REGION_ID)
                    .setRegionEpoch(c.peer(target).region().getRegionEpoch())
                    .setChangePeer(ChangePeer.newBuilder().setPeer(victimPeer)
                            .setChangeType(ConfChangeType.RemoveNode)).build());
            assertTrue(c.runUntil(() -> c.peer(victim) == null, 1000), "peer removed" + c.describe());
            assertTrue(c.runUntil(() -> pd.lastRegionHeartbeat(TestCluster.REGION_ID).getRegion()
                    .getPeersCount() == 2, 200), "heartbeat after conf change");
        }
    }

    @Test
    void laggingFollowerIsReportedPending() throws IOException {
        System.out.println("HeartbeatTest seed=" + SEED);
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1000);
        try (TestCluster c = new TestCluster(3, SEED, 32L << 20, 20, pd)) {
            final long leader = c.waitLeader();
            assertNotNull(c.callLeader(2000, TestCluster.put("a", "1")));
            c.runUntil(() -> false, 20);
            final long lagging = leader == 1 ? 2 : 1;
            c.transport.isolate(lagging);
            for (int i = 0; i < 60; i++) {
                assertNotNull(c.callLeader(2000, TestCluster.put("k" + i, "v")), "put " + i + c.describe());
            }
            assertTrue(c.runUntil(() -> {
                final RegionHeartbeatRequest hb = pd.lastRegionHeartbeat(TestCluster.REGION_ID);
                return hb.getPendingPeersCount() == 1 && hb.getPendingPeers(0).getStoreId() == lagging;
            }, 500), "pending peer reported, seed=" + SEED + ": " + pd.lastRegionHeartbeat(TestCluster.REGION_ID));
            c.transport.heal();
            assertTrue(c.runUntil(() -> pd.lastRegionHeartbeat(TestCluster.REGION_ID).getPendingPeersCount() == 0,
                    1500), "caught up, seed=" + SEED);
        }
    }

    private static long otherThan(final long a, final long b) {
        for (long s = 1; s <= 3; s++) {
            if (s != a && s != b) {
                return s;
            }
        }
        throw new IllegalStateException();
    }

    private static RegionHeartbeatResponse transfer(final TestCluster c, final long target,
                                                    final RegionEpoch epoch) {
        return RegionHeartbeatResponse.newBuilder().setRegionId(TestCluster.REGION_ID).setRegionEpoch(epoch)
                .setTransferLeader(TransferLeader.newBuilder().setPeer(c.peer(target).meta())).build();
    }
}
