package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinykv.multiraft.cluster.RegisterChecker.Kind;
import org.tinykv.multiraft.cluster.RegisterChecker.Op;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.Request;

/**
 * Concurrent clients against a 3-store cluster under message loss, delay, duplication, leader isolation,
 * partitions, clean restarts and machine crashes (unsynced data lost), with 64 KiB memtables so that both engines
 * flush and compact, raft log GC at 100 entries (followers that fall behind catch up by snapshot) and random conf
 * changes (a 4th store joins; peers are added and removed, removed stores may be re-added with new peer ids);
 * every key's history must be linearizable and the live replicas must converge.
 * Replay one case with {@code -Dmultiraft.seed=N}; run more with {@code -Dmultiraft.sim.seeds=N}; change the GC
 * limit with {@code -Dmultiraft.sim.gc=N}.
 */
@Timeout(600)
class LinearizabilitySimTest {
    private static final int STEPS = 2500;
    private static final String[] KEYS = {"a", "b", "c"};
    private static final String[] SPLIT_KEYS = {"k00", "k01", "k02", "k03", "k04", "k05", "k06", "k07", "k08",
        "k09", "k10", "k11"};
    /** Values are padded to this length when regions split, so a few hundred bytes of data make a split. */
    private static final int SPLIT_VALUE_PAD = 40;
    private static final int OP_TIMEOUT_STEPS = 400;

    /** {@code -Dmultiraft.seed=N} replays one case; {@code -Dmultiraft.sim.seeds=N} runs seeds 1..N. */
    static long[] seeds() {
        return seedsOrOne("multiraft.sim.seeds", 3);
    }

    /** The seed of {@code -Dmultiraft.seed=N} alone, else seeds 1..n with n from {@code countProperty}. */
    private static long[] seedsOrOne(final String countProperty, final int defaultCount) {
        final Long one = Long.getLong("multiraft.seed");
        if (one != null) {
            return new long[] {one};
        }
        final int n = Integer.getInteger(countProperty, defaultCount);
        final long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i + 1;
        }
        return out;
    }

    /** A client with at most one command in flight. */
    private static final class Client {
        long target = 1;
        TestCluster.Call pending;
        Kind kind;
        String key;
        String value;
        long call;
        int counter;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void historiesAreLinearizable(final long seed) throws IOException {
        run(seed, false, 3, 3, false);
    }

    /**
     * The same with idle windows: clients stop for 3 of every 6 seconds, so regions hibernate, and the faults of
     * the run (isolated leaders, partitions, crashes) strike sleeping regions; clients must wake them. Seed 1 without
     * splits, seed 2 with; {@code -Dmultiraft.sim.hibernationSeeds=N} runs seeds 1..N.
     */
    @ParameterizedTest
    @MethodSource("hibernationSeeds")
    void historiesAreLinearizableAcrossHibernation(final long seed) throws IOException {
        run(seed, seed % 2 == 0, 3, 3, true);
    }

    static long[] hibernationSeeds() {
        return seedsOrOne("multiraft.sim.hibernationSeeds", 2);
    }

    /**
     * TinyKV's scenario matrix on 5 stores (a 6th joins by conf change) with 1, 5 and 20 clients, everything at
     * once: an unreliable network, partitions, isolated leaders, single-store crashes and restarts, a crash of every
     * store at once, log GC at 100 entries, conf changes, and splits at a few hundred bytes for the 20-client case.
     * One seed each per build; {@code -Dmultiraft.sim.matrixSeeds=N} runs N.
     */
    @ParameterizedTest
    @MethodSource("matrix")
    void matrixOfStoresAndClients(final int clients, final boolean splits, final long seed) throws IOException {
        run(seed, splits, 5, clients, false);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> matrix() {
        final List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        final Long one = Long.getLong("multiraft.seed");
        if (one != null) {
            out.add(org.junit.jupiter.params.provider.Arguments.of(1, false, one));
            out.add(org.junit.jupiter.params.provider.Arguments.of(5, false, one));
            out.add(org.junit.jupiter.params.provider.Arguments.of(20, true, one));
            return out.stream();
        }
        final int n = Integer.getInteger("multiraft.sim.matrixSeeds", 1);
        for (long seed = 1; seed <= n; seed++) {
            out.add(org.junit.jupiter.params.provider.Arguments.of(1, false, 100 + seed));
            out.add(org.junit.jupiter.params.provider.Arguments.of(5, false, 200 + seed));
            out.add(org.junit.jupiter.params.provider.Arguments.of(20, true, 300 + seed));
        }
        return out.stream();
    }

    /**
     * The same with region splits at a few hundred bytes (12 keys, padded values): commands are routed by the
     * target store's view of the regions. {@code -Dmultiraft.sim.splitSeeds=N} runs seeds 1..N (default 2).
     */
    @ParameterizedTest
    @MethodSource("splitSeeds")
    void historiesAreLinearizableWithSplits(final long seed) throws IOException {
        run(seed, true, 3, 3, false);
    }

    static long[] splitSeeds() {
        return seedsOrOne("multiraft.sim.splitSeeds", 2);
    }

    private static void run(final long seed, final boolean splits, final int initialStores, final int clientCount,
                            final boolean idleWindows) throws IOException {
        System.out.println("LinearizabilitySimTest seed=" + seed + " splits=" + splits + " stores=" + initialStores
                + " clients=" + clientCount + " idleWindows=" + idleWindows);
        stores = initialStores + 1;
        keys = splits ? SPLIT_KEYS : KEYS;
        pad = splits ? SPLIT_VALUE_PAD : 0;

        final SplittableRandom rnd = new SplittableRandom(seed ^ 0x9e3779b97f4a7c15L);
        final Map<String, List<Op>> history = new HashMap<>();
        for (final String k : keys) {
            history.put(k, new ArrayList<>());
        }
        confChanges = 0;
        wholeClusterCrashes = 0;
        nextPeerId = 1000;
        try (TestCluster c = new TestCluster(initialStores, seed, 64 << 10, Long.getLong("multiraft.sim.gc", 100),
                splits ? new InMemorySchedulerClient(10_000) : null, splits ? SplitTest.SPLIT : null)) {
            c.transport.setDropRate(0.05);
            c.transport.setDelay(0.2, 60);
            c.transport.setDuplicateRate(0.05);
            final List<Client> clients = new ArrayList<>();
            for (int i = 0; i < clientCount; i++) {
                final Client cl = new Client();
                cl.target = 1 + i % initialStores;
                clients.add(cl);
            }
            long healAt = -1;
            int sleepingSeen = 0;
            long downStore = 0;
            long restartAt = -1;
            c.addEmptyStore(stores);
            for (int step = 0; step < STEPS; step++) {
                if (step > 0 && step % 300 == 0) {
                    final int event = rnd.nextInt(initialStores > 3 ? 7 : 6);
                    final long victim = 1 + rnd.nextInt(stores);
                    if (event == 4 || event == 5) {
                        randomConfChange(c, rnd, downStore);
                    }
                    if (event == 0 && c.leaderStore() != 0) {
                        c.transport.isolate(c.leaderStore());
                        healAt = step + 150 + rnd.nextInt(150);
                    } else if (event == 1 && downStore == 0) {
                        downStore = victim;
                        c.crashStore(downStore);
                        restartAt = step + 100 + rnd.nextInt(150);
                    } else if (event == 2 && downStore == 0) {
                        downStore = victim;
                        c.stopStore(downStore);
                        restartAt = step + 50 + rnd.nextInt(100);
                    } else if (event == 3) {
                        c.transport.partition(java.util.Set.of(victim), othersThan(victim));
                        healAt = step + 100 + rnd.nextInt(200);
                    } else if (event == 6 && downStore == 0) {
                        // every store loses power at once and comes back: nothing acknowledged may be lost
                        wholeClusterCrashes++;
                        for (final long st : new ArrayList<>(c.stores.keySet())) {
                            c.crashStore(st);
                        }
                        for (long st = 1; st <= stores; st++) {
                            c.startStore(st);
                        }
                    }
                }
                if (step == healAt) {
                    c.transport.heal();
                    c.transport.setDropRate(0.05);
                    c.transport.setDelay(0.2, 60);
                    c.transport.setDuplicateRate(0.05);
                }
                if (step == restartAt) {
                    c.startStore(downStore);
                    downStore = 0;
                }
                final boolean idle = idleWindows && step % 600 >= 150 && step % 600 < 450;
                if (idle && step % 600 == 449) {
                    sleepingSeen += hibernatingPeers(c);
                }
                for (int i = 0; i < clients.size(); i++) {
                    drive(c, clients.get(i), i, rnd, history, !idle);
                }
                c.step();
            }
            c.transport.heal();
            if (downStore != 0) {
                c.startStore(downStore);
            }
            for (final Client cl : clients) {
                if (cl.pending != null) {
                    c.runUntil(cl.pending::done, OP_TIMEOUT_STEPS);
                    finish(c, cl, history);
                }
            }
            for (final String k : keys) {
                final long call = c.steps;
                final RaftCmdResponse r = c.callLeader(5000, TestCluster.get(k));
                assertNotNull(r, "final read of " + k + " failed, seed=" + seed);
                history.get(k).add(new Op(Kind.GET, valueOf(r), call, c.steps));
            }
            for (final String k : keys) {
                final List<Op> h = history.get(k);
                assertTrue(RegisterChecker.linearizable(h), "history of key " + k + " not linearizable, seed="
                        + seed + ": " + h);
            }
            assertTrue(c.runUntil(() -> converged(c), 3000), "replicas did not converge, seed=" + seed + ": "
                    + c.describe());
            long acked = history.values().stream().flatMap(List::stream).filter(o -> !o.unknown()).count();
            long snaps = 0;
            long localReads = 0;
            for (final org.tinykv.multiraft.store.Store st : c.stores.values()) {
                snaps += st.snapManager().generatedCount();
                localReads += st.metrics().localReads();
            }
            System.out.println("seed=" + seed + " regions=" + c.stores.get(1L).router().size() + " conf changes=" + confChanges + " whole-cluster crashes=" + wholeClusterCrashes
                    + " snapshots generated=" + snaps + " local reads since the last restarts=" + localReads
                    + " final region=" + c.peer(c.leaderStore()).region().getPeersList().stream()
                    .map(p -> p.getId() + "@" + p.getStoreId()).toList() + " acknowledged ops=" + acked
                    + " messages sent="
                    + c.transport.sent() + " dropped=" + c.transport.dropped() + " raft engine of store 1: "
                    + c.stores.get(1L).engines().raft().stats());
            assertTrue(acked > 50, "too few operations succeeded (" + acked + "), seed=" + seed);
            if (idleWindows) {
                System.out.println("seed=" + seed + " hibernating peers seen at the ends of idle windows: "
                        + sleepingSeen);
                assertTrue(sleepingSeen > 0, "no region ever hibernated, seed=" + seed);
            }
        }
    }

    private static String[] keys = KEYS;
    private static int pad;
    /** Stores in this run, including the one that starts empty. */
    private static int stores = 4;

    private static java.util.Set<Long> othersThan(final long victim) {
        final java.util.Set<Long> out = new java.util.HashSet<>();
        for (long s = 1; s <= stores; s++) {
            if (s != victim) {
                out.add(s);
            }
        }
        return out;
    }

    private static String padded(final String v) {
        final StringBuilder b = new StringBuilder(v);
        while (b.length() < pad) {
            b.append('.');
        }
        return b.toString();
    }

    private static long nextPeerId = 1000;
    private static int confChanges;
    private static int wholeClusterCrashes;

    /** Adds a peer on a store outside the region if it has 3 peers, else removes a random follower. */
    private static void randomConfChange(final TestCluster c, final SplittableRandom rnd, final long downStore) {
        final long leader = c.leaderStore();
        if (leader == 0) {
            return;
        }
        final org.tinykv.proto.metapb.Region region = c.peer(leader).region();
        final List<org.tinykv.proto.metapb.Peer> followers = new ArrayList<>();
        for (final org.tinykv.proto.metapb.Peer p : region.getPeersList()) {
            if (p.getStoreId() != leader) {
                followers.add(p);
            }
        }
        if (region.getPeersCount() <= stores - 1) {
            for (long s = 1; s <= stores; s++) {
                if (org.tinykv.multiraft.region.RegionChecks.findPeer(region, s) == null && s != downStore) {
                    if (c.changePeer(org.tinykv.proto.eraftpb.ConfChangeType.AddNode, org.tinykv.proto.metapb.Peer
                            .newBuilder().setId(nextPeerId++).setStoreId(s).build(), 600) != null) {
                        confChanges++;
                    }
                    return;
                }
            }
        } else {
            if (c.changePeer(org.tinykv.proto.eraftpb.ConfChangeType.RemoveNode,
                    followers.get(rnd.nextInt(followers.size())), 600) != null) {
                confChanges++;
            }
        }
    }

    private static boolean converged(final TestCluster c) {
        try {
            final long leader = c.leaderStore();
            if (leader == 0) {
                return false;
            }
            final org.tinykv.proto.metapb.Region region = c.peer(leader).region();
            String first = null;
            boolean seen = false;
            for (final long s : c.stores.keySet()) {
                final org.tinykv.multiraft.peer.Peer p = c.peer(s);
                if (p == null || !p.storage().isInitialized()) {
                    continue;
                }
                if (org.tinykv.multiraft.region.RegionChecks.findPeerById(region, p.meta().getId()) == null) {
                    return false;  // a removed peer that has not destroyed itself yet
                }
                final StringBuilder sb = new StringBuilder();
                for (final String k : keys) {
                    if (!org.tinykv.multiraft.region.RegionChecks.keyInRegion(k.getBytes(), region)) {
                        continue; // split off to another region
                    }
                    sb.append(k).append('=').append(c.engineValue(s, k)).append(';');
                }
                if (!seen) {
                    first = sb.toString();
                    seen = true;
                } else if (!first.equals(sb.toString())) {
                    return false;
                }
            }
            return seen;
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String valueOf(final RaftCmdResponse r) {
        return r.getResponses(0).getGet().getValue().isEmpty() ? null
                : r.getResponses(0).getGet().getValue().toStringUtf8();
    }

    private static int hibernatingPeers(final TestCluster c) {
        int n = 0;
        for (final org.tinykv.multiraft.store.Store st : c.stores.values()) {
            for (final org.tinykv.multiraft.peer.Peer p : st.router().peers()) {
                n += p.isHibernating() ? 1 : 0;
            }
        }
        return n;
    }

    /** Finishes the client's command if it is done or timed out, then starts the next one if {@code startNew}. */
    private static void drive(final TestCluster c, final Client cl, final int id, final SplittableRandom rnd,
                              final Map<String, List<Op>> history, final boolean startNew) {
        if (cl.pending != null) {
            if (cl.pending.done() || c.steps - cl.call > OP_TIMEOUT_STEPS) {
                finish(c, cl, history);
            } else {
                return;
            }
        }
        if (!startNew) {
            return;
        }
        cl.key = keys[rnd.nextInt(keys.length)];
        final int p = rnd.nextInt(10);
        final Request req;
        if (p < 4) {
            cl.kind = Kind.PUT;
            cl.value = padded("c" + id + "-" + cl.counter++);
            req = TestCluster.put(cl.key, cl.value);
        } else if (p < 8) {
            cl.kind = Kind.GET;
            cl.value = null;
            req = TestCluster.get(cl.key);
        } else {
            cl.kind = Kind.DELETE;
            cl.value = null;
            req = TestCluster.delete(cl.key);
        }
        cl.call = c.steps;
        cl.pending = c.submit(cl.target, req);
        if (cl.pending.done()) {
            finish(c, cl, history);
        }
    }

    private static void finish(final TestCluster c, final Client cl, final Map<String, List<Op>> history) {
        final TestCluster.Call call = cl.pending;
        cl.pending = null;
        if (!call.done()) {
            if (cl.kind != Kind.GET) {
                history.get(cl.key).add(new Op(cl.kind, cl.value, cl.call, Long.MAX_VALUE));
            }
            cl.target = 1 + (cl.target % stores);
            return;
        }
        if (call.future().isCompletedExceptionally()) {
            cl.target = 1 + (cl.target % stores);
            return;
        }
        final RaftCmdResponse r = call.response();
        if (!r.getHeader().hasError()) {
            final String v = cl.kind == Kind.GET ? valueOf(r) : cl.value;
            history.get(cl.key).add(new Op(cl.kind, v, cl.call, c.steps));
            return;
        }
        final Error e = r.getHeader().getError();
        if (e.hasNotLeader() && e.getNotLeader().hasLeader()) {
            cl.target = e.getNotLeader().getLeader().getStoreId();
        } else {
            cl.target = 1 + (cl.target % stores);
        }
        if (!e.hasNotLeader() && !e.hasStaleCommand() && !e.hasRegionNotFound() && cl.kind != Kind.GET) {
            history.get(cl.key).add(new Op(cl.kind, cl.value, cl.call, Long.MAX_VALUE));
        }
        if (pad == 0) {
            assertEquals(false, e.hasEpochNotMatch() || e.hasKeyNotInRegion(), e.toString());
        }
    }
}
