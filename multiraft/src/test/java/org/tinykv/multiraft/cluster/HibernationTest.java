package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.multiraft.fsm.PeerStatus;
import org.tinykv.multiraft.fsm.RaftWorker;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.tinykv.multiraft.peer.Peer;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.store.Store;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;

/**
 * Hibernating regions (see the {@code operation.hibernate} package): an idle region stops ticking on every store
 * and costs no worker round and no message, wakes for a command, and a leader lost while its region slept is
 * replaced: at once when its store is reported gone, or when a client turns to a follower. A leader woken after
 * being superseded serves no read from its old lease.
 */
class HibernationTest {
    /** Steps that cover 20 quiet ticks (100 steps of 10 ms at 50 ms ticks) and the handshake, with room. */
    private static final int SLEEP_STEPS = 400;

    private static boolean allAsleep(final TestCluster c) {
        for (final long s : c.stores.keySet()) {
            final Peer p = c.peer(s);
            if (p == null || !p.isHibernating()) {
                return false;
            }
        }
        return true;
    }

    /** Elects a leader, writes k=v1 and steps until every peer hibernates. */
    private static void writeThenSleep(final TestCluster c) {
        c.waitLeader();
        assertNotNull(c.callLeader(2000, TestCluster.put("k", "v1")));
        assertTrue(c.runUntil(() -> allAsleep(c), SLEEP_STEPS), "not all asleep: " + c.describe());
    }

    private static long raftRounds(final TestCluster c) {
        long n = 0;
        for (final Store st : c.stores.values()) {
            for (final RaftWorker w : st.raftWorkers()) {
                n += w.rounds();
            }
        }
        return n;
    }

    private static String value(final RaftCmdResponse r) {
        return r.getResponses(0).getGet().getValue().toStringUtf8();
    }

    /**
     * Reads a leader answers locally under its lease do not pass through its peer; they still keep the region
     * awake, so a read-only load keeps the lease instead of losing it to a sleep every few seconds.
     */
    @Test
    void localReadsKeepTheRegionAwakeAndItSleepsWhenTheyStop() throws IOException {
        try (TestCluster c = new TestCluster(3, 12)) {
            c.waitLeader();
            assertNotNull(c.callLeader(2000, TestCluster.put("k", "v1")));
            final long leader = c.leaderStore();
            assertTrue(c.runUntil(() -> c.submit(leader, TestCluster.get("k")).done(), 200),
                    "the leader never answered a read at once (no lease): " + c.describe());
            final long localBefore = c.stores.get(leader).metrics().localReads();
            for (int i = 0; i < SLEEP_STEPS * 2; i++) {
                final TestCluster.Call read = c.submit(leader, TestCluster.get("k"));
                c.step();
                assertTrue(read.done(), "read " + i + " not answered at once");
                assertEquals("v1", value(read.response()));
                assertFalse(c.peer(leader).isHibernating(), "the leader slept while being read, read " + i);
            }
            assertTrue(c.stores.get(leader).metrics().localReads() - localBefore > SLEEP_STEPS,
                    "reads were not answered locally");
            assertTrue(c.runUntil(() -> allAsleep(c), SLEEP_STEPS), "not all asleep after reads stopped: "
                    + c.describe());
        }
    }

    @Test
    void anIdleRegionStopsTickingOnEveryStoreCostsNothingAndWakesForACommand() throws IOException {
        try (TestCluster c = new TestCluster(3, 11)) {
            writeThenSleep(c);
            final long rounds = raftRounds(c);
            final long sent = c.transport.sent();
            for (int i = 0; i < 2000; i++) {  // 20 s of clock, 400 ticks
                c.step();
            }
            assertEquals(rounds, raftRounds(c), "a sleeping region gets no worker round");
            assertEquals(sent, c.transport.sent(), "a sleeping region sends nothing");
            for (final long s : c.stores.keySet()) {
                final List<PeerStatus> st = c.stores.get(s).peerStatuses();
                assertTrue(st.get(0).hibernating(), "status of store " + s + " says hibernating");
            }

            final long leader = c.leaderStore();
            final RaftCmdResponse put = c.call(leader, 500, TestCluster.put("k", "v2"));
            assertNotNull(put);
            assertFalse(put.getHeader().hasError(), put.toString());
            assertFalse(c.peer(leader).isHibernating(), "the command woke the leader");
            final RaftCmdResponse get = c.call(leader, 500, TestCluster.get("k"));
            assertEquals("v2", value(get));
            assertTrue(c.runUntil(() -> allAsleep(c), SLEEP_STEPS), "asleep again: " + c.describe());
            assertEquals("v2", c.engineValue(1, "k"));
            assertEquals("v2", c.engineValue(2, "k"));
            assertEquals("v2", c.engineValue(3, "k"));
        }
    }

    @Test
    void withHibernationOffAnIdleRegionKeepsTicking() throws IOException {
        try (TestCluster c = new TestCluster(3, 16, p -> p.withHibernateTicks(0))) {
            c.waitLeader();
            assertNotNull(c.callLeader(2000, TestCluster.put("k", "v1")));
            final long rounds = raftRounds(c);
            assertFalse(c.runUntil(() -> c.peer(1).isHibernating() || c.peer(2).isHibernating()
                    || c.peer(3).isHibernating(), 2000), c.describe());
            assertTrue(raftRounds(c) > rounds + 600, "every peer ticks every 5 steps: 1,200 ticks in all");
        }
    }

    @Test
    void aLeaderWhoseStoreDiesWhileTheRegionSleepsIsReplacedWithoutAnyCommand() throws IOException {
        try (TestCluster c = new TestCluster(3, 12)) {
            writeThenSleep(c);
            final long old = c.leaderStore();
            c.crashStore(old);  // the others' transports see the connection close
            assertTrue(c.runUntil(() -> c.leaderStore() != 0, 1000), "no new leader: " + c.describe());
            assertNotEquals(old, c.leaderStore());
            final RaftCmdResponse get = c.call(c.leaderStore(), 500, TestCluster.get("k"));
            assertEquals("v1", value(get));
        }
    }

    @Test
    void aLeaderCutOffSilentlyWhileTheRegionSleepsIsReplacedWhenAClientTurnsToAFollower() throws IOException {
        try (TestCluster c = new TestCluster(3, 13)) {
            writeThenSleep(c);
            final long old = c.leaderStore();
            c.transport.isolate(old);
            final long follower = old == 1 ? 2 : 1;
            final TestCluster.Call first = c.submit(follower, TestCluster.put("k", "v2"));
            c.runUntil(first::done, 50);
            assertTrue(first.response().getHeader().getError().hasNotLeader(), first.response().toString());
            assertFalse(c.peer(follower).isHibernating(), "the command woke the follower");
            assertTrue(c.runUntil(() -> {
                final Peer p = c.peer(follower);
                final Peer q = c.peer(6 - old - follower);
                return p.isLeader() || q.isLeader();
            }, 1000), "no leader among the followers: " + c.describe());
            final long now = c.peer(follower).isLeader() ? follower : 6 - old - follower;
            final RaftCmdResponse put = c.call(now, 500, TestCluster.put("k", "v2"));
            assertFalse(put.getHeader().hasError(), put.toString());
        }
    }

    @Test
    void aSleepingLeaderSupersededBehindAPartitionServesNoReadFromItsOldLease() throws IOException {
        try (TestCluster c = new TestCluster(3, 14, p -> p.withLeaseReads(true))) {
            c.waitLeader();
            assertNotNull(c.callLeader(2000, TestCluster.put("k", "v1")));
            final long old = c.leaderStore();
            assertEquals("v1", value(c.call(old, 500, TestCluster.get("k"))));
            assertTrue(c.runUntil(() -> allAsleep(c), SLEEP_STEPS), "not all asleep: " + c.describe());
            c.transport.isolate(old);
            final List<Long> others = new ArrayList<>(c.stores.keySet());
            others.remove(old);
            RaftCmdResponse put = null;
            for (int attempt = 0; attempt < 40 && (put == null || put.getHeader().hasError()); attempt++) {
                put = c.call(others.get(attempt % 2), 100, TestCluster.put("k", "v2"));
                for (int i = 0; i < 20; i++) {
                    c.step();
                }
            }
            assertNotNull(put);
            assertFalse(put.getHeader().hasError(), "the majority side elected a leader and wrote: " + put);
            // The old leader still thinks it leads; a read wakes it. Its clock stood still while it slept, so a
            // lease it held then would still look valid.
            final TestCluster.Call read = c.submit(old, TestCluster.get("k"));
            c.runUntil(read::done, 500);
            assertTrue(read.done(), "the read is answered (with an error) in time");
            final RaftCmdResponse r = read.response();
            assertTrue(r.getHeader().hasError(), "a stale leader must not answer: " + r);
        }
    }

    @Test
    void sleepingLeadersStillReportTheirRegionToTheScheduler() throws IOException {
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(10_000);
        try (TestCluster c = new TestCluster(3, 15, 32L << 20, PeerConfig.DEFAULT_GC_COUNT_LIMIT, pd)) {
            writeThenSleep(c);
            final long before = pd.regionHeartbeatCount();
            for (int i = 0; i < 500; i++) {  // 5 s: ten store heartbeat intervals of 500 ms
                c.step();
            }
            assertTrue(allAsleep(c), c.describe());
            final long sent = pd.regionHeartbeatCount() - before;
            assertTrue(sent >= 9 && sent <= 11, "one region heartbeat per store heartbeat, got " + sent);
            assertEquals(c.peer(c.leaderStore()).meta(), pd.lastRegionHeartbeat(TestCluster.REGION_ID).getLeader());
        }
    }
}
