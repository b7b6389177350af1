package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.Peer;

/** Raft log GC by CompactLog and a follower catching up by an SST snapshot (3 stores, SimTransport). */
class SnapshotAndGcTest {
    private static final long SEED = Long.getLong("multiraft.seed", 11);
    private static final int GC_LIMIT = 100;

    private static long raftLogEntries(final TestCluster c, final long s) throws IOException {
        long n = 0;
        final ReadOptions ro = ReadOptions.builder().lowerBound(Keys.raftLogMinKey(TestCluster.REGION_ID))
                .upperBound(Keys.raftLogMaxKey(TestCluster.REGION_ID)).build();
        try (DbIterator it = c.stores.get(s).engines().raft().newIterator(ro, Keys.META_CF)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void logStaysBoundedUnderLoad() throws IOException {
        System.out.println("SnapshotAndGcTest seed=" + SEED);
        try (TestCluster c = new TestCluster(3, SEED, 32L << 20, GC_LIMIT)) {
            c.waitLeader();
            long maxKept = 0;
            for (int i = 0; i < 600; i++) {
                assertNotNull(c.callLeader(2000, TestCluster.put("k" + (i % 50), "v" + i)), "put " + i);
                for (long s = 1; s <= 3; s++) {
                    final Peer p = c.peer(s);
                    maxKept = Math.max(maxKept, p.status().applied() - p.storage().truncatedIndex());
                }
            }
            c.runUntil(() -> false, 100);
            for (long s = 1; s <= 3; s++) {
                final Peer p = c.peer(s);
                assertTrue(p.storage().truncatedIndex() > 400, "store " + s + " truncated "
                        + p.storage().truncatedIndex() + " seed=" + SEED);
                final long entries = raftLogEntries(c, s);
                assertEquals(p.storage().lastIndex() - p.storage().truncatedIndex(), entries,
                        "raft engine holds exactly the untruncated entries, store " + s);
            }
            assertTrue(maxKept <= GC_LIMIT + 20, "applied - truncated reached " + maxKept + " seed=" + SEED);
        }
    }

    @Test
    void isolatedFollowerCatchesUpBySnapshotAndKeepsItAcrossRestart() throws IOException {
        System.out.println("SnapshotAndGcTest seed=" + SEED);
        try (TestCluster c = new TestCluster(3, SEED, 32L << 20, GC_LIMIT)) {
            final long leader = c.waitLeader();
            final long lagger = leader == 3 ? 1 : 3;
            assertNotNull(c.callLeader(2000, TestCluster.put("early", "1")));
            c.transport.isolate(lagger);
            final long lastOfLagger = c.peer(lagger).storage().lastIndex();
            for (int i = 0; i < 300; i++) {
                assertNotNull(c.callLeader(3000, TestCluster.put("k" + i, "v" + i)), "put " + i + " seed=" + SEED);
            }
            assertNotNull(c.callLeader(3000, TestCluster.delete("early")));
            c.runUntil(() -> false, 50);
            final long ldr = c.leaderStore();
            assertTrue(c.peer(ldr).storage().truncatedIndex() > lastOfLagger, "leader compacted past the lagger");
            c.transport.heal();
            assertTrue(c.runUntil(() -> value(c, lagger, "k299") != null, 3000),
                    "lagger caught up, seed=" + SEED);
            assertTrue(c.stores.get(ldr).snapManager().generatedCount() > 0, "a snapshot was generated");
            assertEquals(null, value(c, lagger, "early"));
            assertEquals("v0", value(c, lagger, "k0"));
            assertTrue(c.peer(lagger).storage().truncatedIndex() > lastOfLagger);
            c.crashStore(lagger);
            c.startStore(lagger);
            assertEquals("v0", value(c, lagger, "k0"));
            assertEquals("v299", value(c, lagger, "k299"));
            assertEquals(null, value(c, lagger, "early"));
            assertNotNull(c.callLeader(3000, TestCluster.put("after", "x")));
            assertTrue(c.runUntil(() -> "x".equals(value(c, lagger, "after")), 2000), "restarted lagger follows");
        }
    }

    static String value(final TestCluster c, final long s, final String key) {
        try {
            return c.stores.containsKey(s) ? c.engineValue(s, key) : null;
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
    }
}
