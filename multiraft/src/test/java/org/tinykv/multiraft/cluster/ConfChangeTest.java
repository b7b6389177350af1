package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RegionLocalState;

/** 3 → 4 → 3 stores by ChangePeer: a peer created on demand catches up by snapshot; a removed one leaves a tombstone. */
class ConfChangeTest {
    private static final long SEED = Long.getLong("multiraft.seed", 5);

    @Test
    void addPeerThenRemoveOneAndSurviveRestarts() throws IOException {
        System.out.println("ConfChangeTest seed=" + SEED);
        try (TestCluster c = new TestCluster(3, SEED, 32L << 20, 100)) {
            final long leader = c.waitLeader();
            for (int i = 0; i < 150; i++) {
                assertNotNull(c.callLeader(2000, TestCluster.put("k" + i, "v" + i)), "put " + i);
            }
            c.addEmptyStore(4);
            final Peer newPeer = Peer.newBuilder().setId(104).setStoreId(4).build();
            final RaftCmdResponse added = c.changePeer(ConfChangeType.AddNode, newPeer, 3000);
            assertNotNull(added, "AddNode failed, seed=" + SEED + c.describe());
            assertEquals(4, added.getAdminResponse().getChangePeer().getRegion().getPeersCount());
            assertTrue(c.runUntil(() -> "v149".equals(SnapshotAndGcTest.value(c, 4, "k149")), 3000),
                    "new peer caught up, seed=" + SEED + c.describe());
            assertEquals("v0", SnapshotAndGcTest.value(c, 4, "k0"));
            assertTrue(c.runUntil(() -> allConfVer(c, 2, 4), 2000), "every peer knows conf_ver 2" + c.describe());

            final long victim = leader == 1 ? 2 : 1;
            final Peer victimPeer = c.peer(victim).meta();
            final RaftCmdResponse removed = c.changePeer(ConfChangeType.RemoveNode, victimPeer, 3000);
            assertNotNull(removed, "RemoveNode failed, seed=" + SEED + c.describe());
            assertTrue(c.runUntil(() -> c.peer(victim) == null, 2000), "victim destroyed itself" + c.describe());
            assertTombstone(c, victim);

            assertNotNull(c.callLeader(3000, TestCluster.put("after", "1")), "region serves after removal");
            assertEquals("1", c.callLeader(3000, TestCluster.get("after")).getResponses(0).getGet().getValue()
                    .toStringUtf8());
            assertTrue(c.runUntil(() -> "1".equals(SnapshotAndGcTest.value(c, 4, "after")), 2000));

            c.crashStore(victim);
            c.startStore(victim);
            assertNull(c.peer(victim), "tombstoned peer stays dead after restart");
            assertTombstone(c, victim);
            c.crashStore(4);
            c.startStore(4);
            assertEquals("v0", SnapshotAndGcTest.value(c, 4, "k0"));
            assertNotNull(c.callLeader(3000, TestCluster.put("after2", "2")));
            assertTrue(c.runUntil(() -> "2".equals(SnapshotAndGcTest.value(c, 4, "after2")), 2000),
                    "restarted new peer follows" + c.describe());
            c.runUntil(() -> false, 100);
            assertNull(c.peer(victim), "no message recreated the removed peer");
            assertNull(SnapshotAndGcTest.value(c, victim, "after2"));
        }
    }

    @Test
    void peerRemovedWhileIsolatedIsToldAndDestroysItself() throws IOException {
        System.out.println("ConfChangeTest seed=" + SEED);
        try (TestCluster c = new TestCluster(3, SEED, 32L << 20, 100)) {
            final long leader = c.waitLeader();
            assertNotNull(c.callLeader(2000, TestCluster.put("a", "1")));
            final long victim = leader == 3 ? 2 : 3;
            assertTrue(c.runUntil(() -> "1".equals(SnapshotAndGcTest.value(c, victim, "a")), 1000));
            final Peer victimPeer = c.peer(victim).meta();
            c.transport.isolate(victim);
            assertNotNull(c.changePeer(ConfChangeType.RemoveNode, victimPeer, 3000), "removal" + c.describe());
            assertNotNull(c.peer(victim), "the isolated peer does not know yet");
            c.transport.heal();
            assertTrue(c.runUntil(() -> c.peer(victim) == null, 3000), "zombie destroyed" + c.describe());
            assertTombstone(c, victim);
            assertNotNull(c.callLeader(3000, TestCluster.put("b", "2")), "the two remaining peers serve");
        }
    }

    private static boolean allConfVer(final TestCluster c, final long confVer, final int peers) {
        for (final long s : c.stores.keySet()) {
            final org.tinykv.multiraft.peer.Peer p = c.peer(s);
            if (p == null || p.region().getRegionEpoch().getConfVer() != confVer
                    || p.region().getPeersCount() != peers) {
                return false;
            }
        }
        return true;
    }

    private static void assertTombstone(final TestCluster c, final long s) throws IOException {
        final byte[] v = c.stores.get(s).engines().kv().get(Keys.META_CF,
                Keys.regionStateKey(TestCluster.REGION_ID));
        assertNotNull(v);
        final RegionLocalState st = RegionLocalState.parseFrom(v);
        assertEquals(PeerState.Tombstone, st.getState());
        assertNull(SnapshotAndGcTest.value(c, s, "k0"), "data of the removed peer is gone");
        assertNull(c.stores.get(s).engines().kv().get(Keys.META_CF, Keys.applyStateKey(TestCluster.REGION_ID)));
        assertNull(c.stores.get(s).engines().raft().get(Keys.META_CF, Keys.raftStateKey(TestCluster.REGION_ID)));
        final ReadOptions ro = ReadOptions.builder().lowerBound(Keys.raftLogMinKey(TestCluster.REGION_ID))
                .upperBound(Keys.raftLogMaxKey(TestCluster.REGION_ID)).build();
        try (DbIterator it = c.stores.get(s).engines().raft().newIterator(ro, Keys.META_CF)) {
            it.seekToFirst();
            assertTrue(!it.valid(), "raft log of the removed peer is gone");
        }
    }
}
