package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.multiraft.fsm.PeerStatus;
import org.tinykv.multiraft.fsm.StoreMetrics;
import org.tinykv.multiraft.store.Store;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.TransferLeaderRequest;

/** A 3-store cluster with one region: writes, reads, errors, leader loss and restarts. */
@Timeout(60)
class ClusterBasicTest {
    private static final long SEED = Long.getLong("multiraft.seed", 42L);

    @BeforeEach
    void printSeed() {
        System.out.println("ClusterBasicTest seed=" + SEED + " (replay with -Dmultiraft.seed=" + SEED + ")");
    }

    @Test
    void putGetDeleteThroughLeader() throws IOException {
        try (TestCluster c = new TestCluster(3, SEED)) {
            final long leader = c.waitLeader();
            RaftCmdResponse r = c.call(leader, 500, TestCluster.put("a", "1"));
            assertNotNull(r, "put timed out, seed=" + SEED);
            assertFalse(r.getHeader().hasError(), r.toString());
            r = c.call(leader, 500, TestCluster.get("a"));
            assertFalse(r.getHeader().hasError(), r.toString());
            assertEquals("1", r.getResponses(0).getGet().getValue().toStringUtf8());
            r = c.call(leader, 500, TestCluster.delete("a"), TestCluster.put("b", "2"));
            assertFalse(r.getHeader().hasError(), r.toString());
            r = c.call(leader, 500, TestCluster.get("a"), TestCluster.get("b"));
            assertTrue(r.getResponses(0).getGet().getValue().isEmpty());
            assertEquals("2", r.getResponses(1).getGet().getValue().toStringUtf8());
            // every replica applies the writes
            assertTrue(c.runUntil(() -> {
                try {
                    for (long s = 1; s <= 3; s++) {
                        if (!"2".equals(c.engineValue(s, "b")) || c.engineValue(s, "a") != null) {
                            return false;
                        }
                    }
                    return true;
                } catch (final IOException e) {
                    throw new AssertionError(e);
                }
            }, 500), "replicas did not converge, seed=" + SEED);
            assertStatusAndMetrics(c, leader);
        }
    }

    @Test
    void readsOfOneRoundShareOneReadIndexConfirmation() throws IOException {
        try (TestCluster c = new TestCluster(3, SEED)) {
            final long leader = c.waitLeader();
            assertFalse(c.call(leader, 500, TestCluster.put("k", "v")).getHeader().hasError());
            final long sentBefore = c.transport.sent();
            final List<TestCluster.Call> reads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                reads.add(c.submit(leader, TestCluster.get("k")));
            }
            assertTrue(c.runUntil(() -> reads.stream().allMatch(TestCluster.Call::done), 500),
                    "reads timed out, seed=" + SEED);
            for (final TestCluster.Call r : reads) {
                assertFalse(r.response().getHeader().hasError(), r.response().toString());
                assertEquals("v", r.response().getResponses(0).getGet().getValue().toStringUtf8());
            }
            final long sent = c.transport.sent() - sentBefore;
            // one heartbeat to each follower and their answers (plus whatever ticks sent meanwhile), not 20 rounds
            assertTrue(sent < 20, "20 reads of one round sent " + sent + " messages, seed=" + SEED);
        }
    }

    private static void assertStatusAndMetrics(final TestCluster c, final long leader) {
        final Store ls = c.stores.get(leader);
        final List<PeerStatus> st = ls.peerStatuses();
        assertEquals(1, st.size(), st.toString());
        final PeerStatus p = st.get(0);
        assertEquals(TestCluster.REGION_ID, p.region().getId());
        assertTrue(p.leader() && p.leaderPeerId() == p.peerId(), p.toString());
        assertTrue(p.appliedIndex() >= p.commitIndex() - 1 && p.lastIndex() >= p.appliedIndex(), p.toString());
        final long follower = leader == 1 ? 2 : 1;
        final PeerStatus f = c.stores.get(follower).peerStatuses().get(0);
        assertFalse(f.leader(), f.toString());
        assertEquals(p.peerId(), f.leaderPeerId(), f.toString());
        final StoreMetrics m = ls.metrics();
        assertTrue(m.proposals() + m.localReads() >= 4, "proposals " + m.proposals() + " local reads "
                + m.localReads());
        assertEquals(m.proposals() + m.localReads(), m.commandsAnswered());
        assertEquals(0, m.commandErrors());
        assertTrue(m.raftSyncedWrites() > 0 && m.raftSyncedPeers() >= m.raftSyncedWrites());
        assertTrue(m.raftMessagesReceived() > 0);
    }

    @Test
    void followerAnswersNotLeaderWithHint() throws IOException {
        try (TestCluster c = new TestCluster(3, SEED)) {
            final long leader = c.waitLeader();
            c.runUntil(() -> false, 50);
            final long follower = leader == 1 ? 2 : 1;
            final RaftCmdResponse r = c.call(follower, 50, TestCluster.put("k", "v"));
            final Error e = r.getHeader().getError();
            assertTrue(e.hasNotLeader(), r.toString());
            assertEquals(TestCluster.REGION_ID, e.getNotLeader().getRegionId());
            assertEquals(leader, e.getNotLeader().getLeader().getStoreId());
            assertEquals(100 + leader, e.getNotLeader().getLeader().getId());
            final RaftCmdResponse g = c.call(follower, 50, TestCluster.get("k"));
            assertTrue(g.getHeader().getError().hasNotLeader(), g.toString());
        }
    }

    @Test
    void isolatedLeaderIsReplaced() throws IOException {
        try (TestCluster c = new TestCluster(3, SEED)) {
            final long old = c.waitLeader();
            assertNotNull(c.callLeader(2000, TestCluster.put("x", "1")));
            c.transport.isolate(old);
            final TestCluster.Call lost = c.submit(old, TestCluster.put("x", "lost"));
            assertTrue(c.runUntil(() -> {
                final long l = c.leaderStore();
                return l != 0 && l != old;
            }, 3000), "no new leader, seed=" + SEED);
            final long fresh = c.leaderStore();
            assertNotEquals(old, fresh);
            RaftCmdResponse r = c.callLeader(3000, TestCluster.put("x", "2"));
            assertNotNull(r, "write on new leader failed, seed=" + SEED);
            c.transport.heal();
            assertTrue(c.runUntil(lost::done, 3000), "proposal on the isolated leader never answered");
            assertTrue(lost.response().getHeader().getError().hasStaleCommand()
                    || lost.response().getHeader().getError().hasNotLeader(), lost.response().toString());
            r = c.callLeader(3000, TestCluster.get("x"));
            assertEquals("2", r.getResponses(0).getGet().getValue().toStringUtf8());
            assertTrue(c.runUntil(() -> {
                try {
                    return "2".equals(c.engineValue(old, "x"));
                } catch (final IOException e) {
                    throw new AssertionError(e);
                }
            }, 3000), "old leader did not catch up, seed=" + SEED);
        }
    }

    @Test
    void transferLeaderMovesLeadership() throws IOException {
        try (TestCluster c = new TestCluster(3, SEED)) {
            final long old = c.waitLeader();
            final long target = old == 3 ? 1 : old + 1;
            final RaftCmdRequest req = c.request(old).toBuilder().setAdminRequest(AdminRequest.newBuilder()
                    .setCmdType(AdminCmdType.TransferLeader).setTransferLeader(TransferLeaderRequest.newBuilder()
                            .setPeer(c.region.getPeers((int) target - 1)))).build();
            final java.util.concurrent.CompletableFuture<RaftCmdResponse> f =
                    new java.util.concurrent.CompletableFuture<>();
            c.stores.get(old).propose(req, (resp, snap) -> f.complete(resp));
            assertTrue(c.runUntil(f::isDone, 100));
            assertFalse(f.join().getHeader().hasError(), f.join().toString());
            assertEquals(AdminCmdType.TransferLeader, f.join().getAdminResponse().getCmdType());
            assertTrue(c.runUntil(() -> c.leaderStore() == target, 1000), "leadership not moved, seed=" + SEED);
            assertNotNull(c.call(target, 500, TestCluster.put("t", "1")));
        }
    }

    /**
     * A leader's uncommitted proposals are truncated away; when it leads again its new proposals reuse those
     * indexes. The new writes must be answered with their result, the old ones with StaleCommand.
     */
    @Test
    void reusedIndexesAfterRegainingLeadership() throws IOException {
        try (TestCluster c = new TestCluster(3, SEED)) {
            final long a = c.waitLeader();
            assertNotNull(c.callLeader(2000, TestCluster.put("x", "0")));
            c.transport.isolate(a);
            final java.util.List<TestCluster.Call> old = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                old.add(c.submit(a, TestCluster.put("x", "old" + i)));
            }
            assertTrue(c.runUntil(() -> c.leaderStore() != 0 && c.leaderStore() != a, 3000));
            final long b = c.leaderStore();
            c.transport.heal();
            assertTrue(c.runUntil(() -> !c.peer(a).isLeader() && c.peer(a).leaderId() == 100 + b, 3000));
            final RaftCmdRequest transfer = c.request(b).toBuilder().setAdminRequest(AdminRequest.newBuilder()
                    .setCmdType(AdminCmdType.TransferLeader).setTransferLeader(TransferLeaderRequest.newBuilder()
                            .setPeer(c.region.getPeers((int) a - 1)))).build();
            c.stores.get(b).propose(transfer, (resp, snap) -> { });
            assertTrue(c.runUntil(() -> c.leaderStore() == a, 3000), "leadership did not return, seed=" + SEED);
            final TestCluster.Call fresh = c.submit(a, TestCluster.put("x", "new"));
            final TestCluster.Call next = c.submit(a, TestCluster.put("y", "1"));
            assertTrue(c.runUntil(() -> fresh.done() && next.done(), 1000));
            assertFalse(fresh.response().getHeader().hasError(), fresh.response().toString());
            assertFalse(next.response().getHeader().hasError(), next.response().toString());
            for (final TestCluster.Call o : old) {
                assertTrue(o.done(), "old proposal unanswered");
                assertTrue(o.response().getHeader().getError().hasStaleCommand(), o.response().toString());
            }
            assertEquals("new", c.call(a, 500, TestCluster.get("x")).getResponses(0).getGet().getValue()
                    .toStringUtf8());
        }
    }

    @Test
    void restartedStoresKeepAcknowledgedWrites() throws IOException {
        try (TestCluster c = new TestCluster(3, SEED)) {
            c.waitLeader();
            for (int i = 0; i < 30; i++) {
                assertNotNull(c.callLeader(3000, TestCluster.put("k" + i, "v" + i)), "put " + i);
            }
            for (long s = 1; s <= 3; s++) {
                c.crashStore(s);
            }
            for (long s = 1; s <= 3; s++) {
                c.startStore(s);
            }
            c.waitLeader();
            for (int i = 0; i < 30; i++) {
                final RaftCmdResponse r = c.callLeader(3000, TestCluster.get("k" + i));
                assertNotNull(r, "get " + i + " seed=" + SEED);
                assertEquals("v" + i, r.getResponses(0).getGet().getValue().toStringUtf8(), "key k" + i);
            }
            assertNotNull(c.callLeader(3000, TestCluster.put("after", "restart")));
        }
    }
}
