package org.tinykv.multiraft.cluster;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.agrona.concurrent.CachedEpochClock;
import org.tinykv.lsm.Cf;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.Peer;
import org.tinykv.multiraft.operation.heartbeat.HeartbeatConfig;
import org.tinykv.multiraft.operation.split.SplitConfig;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.store.Bootstrap;
import org.tinykv.multiraft.store.Store;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.multiraft.fsm.PeerFsm;
import org.tinykv.multiraft.transport.SimTransport;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.DeleteRequest;
import org.tinykv.proto.raft_cmdpb.GetRequest;
import org.tinykv.proto.raft_cmdpb.PutRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * An in-process cluster of stores on MemFileSystems, driven deterministically on the test thread: each
 * {@link #step()} delivers due delayed messages, runs one round of every store's workers and advances the shared
 * clock by {@link #STEP_MILLIS}.
 */
final class TestCluster implements AutoCloseable {
    static final long STEP_MILLIS = 10;
    static final long REGION_ID = 1;
    static final Path DIR = Path.of("/store");

    final long seed;
    final CachedEpochClock clock = new CachedEpochClock();
    final SimTransport transport;
    final StoreConfig cfg;
    final Map<Long, MemFileSystem> fss = new HashMap<>();
    final Map<Long, Store> stores = new HashMap<>();
    final Region region;
    final SplittableRandom rnd;

    final long memtableBytes;
    final InMemorySchedulerClient pd;
    final SplitConfig split;
    static final HeartbeatConfig HEARTBEATS = new HeartbeatConfig(20, 500, 1L << 30);

    TestCluster(final int n, final long seed) throws IOException {
        this(n, seed, Long.getLong("multiraft.test.memtable", 32L << 20));
    }

    /** A cluster whose engines use {@code memtableBytes} memtables (small ones exercise flush and compaction). */
    TestCluster(final int n, final long seed, final long memtableBytes) throws IOException {
        this(n, seed, memtableBytes, Long.getLong("multiraft.test.gcCount", PeerConfig.DEFAULT_GC_COUNT_LIMIT));
    }

    /** A cluster whose leaders compact the raft log beyond {@code gcCountLimit} applied entries. */
    TestCluster(final int n, final long seed, final long memtableBytes, final long gcCountLimit)
            throws IOException {
        this(n, seed, memtableBytes, gcCountLimit, null);
    }

    /** A cluster whose stores report to {@code pd} (nullable) with short heartbeat intervals. */
    TestCluster(final int n, final long seed, final long memtableBytes, final long gcCountLimit,
                final InMemorySchedulerClient pd) throws IOException {
        this(n, seed, memtableBytes, gcCountLimit, pd, null);
    }

    /** A cluster reporting to {@code pd} whose regions split by {@code split} (nullable). */
    TestCluster(final int n, final long seed, final long memtableBytes, final long gcCountLimit,
                final InMemorySchedulerClient pd, final SplitConfig split) throws IOException {
        this(n, seed, memtableBytes, gcCountLimit, pd, split, p -> p);
    }

    /** A cluster of 32 MiB memtables, default log GC and no scheduler whose peers use {@code peerTweak}'s config. */
    TestCluster(final int n, final long seed, final UnaryOperator<PeerConfig> peerTweak) throws IOException {
        this(n, seed, 32L << 20, PeerConfig.DEFAULT_GC_COUNT_LIMIT, null, null, peerTweak);
    }

    /** The general form: {@code peerTweak} adjusts the peers' config after the test defaults are set. */
    TestCluster(final int n, final long seed, final long memtableBytes, final long gcCountLimit,
                final InMemorySchedulerClient pd, final SplitConfig split, final UnaryOperator<PeerConfig> peerTweak)
            throws IOException {
        this.pd = pd;
        this.split = split;
        this.seed = seed;
        this.memtableBytes = memtableBytes;
        this.rnd = new SplittableRandom(seed);
        this.transport = new SimTransport(seed, clock, Long.getLong("multiraft.test.snapRate", 1L << 20));
        this.cfg = StoreConfig.defaults().withPeer(peerTweak.apply(new PeerConfig(10, 2, 1 << 20, 256, 20, seed)
                .withGcLimits(gcCountLimit, PeerConfig.DEFAULT_GC_SIZE_LIMIT)
                .withLeaseReads(Boolean.parseBoolean(System.getProperty("multiraft.sim.leaseReads", "true")))));
        final Region.Builder rb = Region.newBuilder().setId(REGION_ID)
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1));
        for (long s = 1; s <= n; s++) {
            rb.addPeers(org.tinykv.proto.metapb.Peer.newBuilder().setId(100 + s).setStoreId(s));
        }
        this.region = rb.build();
        clock.update(1_000_000);
        for (long s = 1; s <= n; s++) {
            final MemFileSystem fs = new MemFileSystem();
            Bootstrap.bootstrapStore(fs, DIR, 7, s, region, cfg);
            fss.put(s, fs);
            startStore(s);
        }
    }

    /** Adds store {@code s} holding no region (it gets a peer when a conf change adds one). */
    void addEmptyStore(final long s) throws IOException {
        final MemFileSystem fs = new MemFileSystem();
        Bootstrap.bootstrapEmptyStore(fs, DIR, 7, s, cfg);
        fss.put(s, fs);
        startStore(s);
    }

    StoreConfig storeConfig() {
        return new StoreConfig(50, 1, 1, 256, memtableBytes, memtableBytes, cfg.peer());
    }

    void startStore(final long s) throws IOException {
        final Store st = pd == null ? Store.open(fss.get(s), DIR, storeConfig(), transport, clock)
                : Store.open(fss.get(s), DIR, storeConfig(), transport, clock, pd.forStore(), HEARTBEATS, split);
        stores.put(s, st);
        transport.register(s, st::onRaftMessage);
        transport.registerSnapshotReceiver(s, st::receiveSnapshot);
        transport.registerUnreachableListener(s, st::onStoreUnreachable);
    }

    void stopStore(final long s) throws IOException {
        transport.unregister(s);
        final Store st = stores.remove(s);
        if (st != null) {
            st.close();
        }
    }

    /** Simulates a machine crash of store s: everything not synced is lost. */
    void crashStore(final long s) throws IOException {
        transport.unregister(s);
        final MemFileSystem crashed = fss.get(s).crashClone();
        final Store st = stores.remove(s);
        st.close();
        fss.put(s, crashed);
    }

    /** Logical time: steps taken so far. */
    long steps;

    void step() {
        steps++;
        transport.doWork();
        for (final Store st : new ArrayList<>(stores.values())) {
            st.doWork();
        }
        clock.advance(STEP_MILLIS);
    }

    boolean runUntil(final BooleanSupplier cond, final int maxSteps) {
        for (int i = 0; i < maxSteps; i++) {
            if (cond.getAsBoolean()) {
                return true;
            }
            step();
        }
        return cond.getAsBoolean();
    }

    Peer peer(final long s) {
        final Store st = stores.get(s);
        if (st == null) {
            return null;
        }
        final PeerFsm f = st.router().fsm(REGION_ID);
        return f == null ? null : f.peer();
    }

    /** The store whose peer is leader (the one with the highest term if several think so), or 0. */
    long leaderStore() {
        long best = 0;
        long bestTerm = -1;
        for (final long s : stores.keySet()) {
            final Peer p = peer(s);
            if (p != null && p.isLeader() && p.status().hardState().getTerm() > bestTerm) {
                best = s;
                bestTerm = p.status().hardState().getTerm();
            }
        }
        return best;
    }

    long waitLeader() {
        if (!runUntil(() -> leaderStore() != 0, 2000)) {
            throw new AssertionError("no leader elected, seed=" + seed);
        }
        return leaderStore();
    }

    /**
     * A command for store {@code storeId}: to region 1 with its initial epoch, or, when regions split, to the
     * store's peer whose region holds the first request's key, with that region's current epoch (the store's
     * view, as a client's region cache would have it).
     */
    RaftCmdRequest request(final long storeId, final Request... reqs) {
        final Peer live = split == null ? peer(storeId) : peerFor(storeId, keyOf(reqs[0]));
        final org.tinykv.proto.metapb.Peer p = live != null ? live.meta()
                : org.tinykv.proto.metapb.Peer.newBuilder().setStoreId(storeId).build();
        final long regionId = split != null && live != null ? live.regionId() : REGION_ID;
        final RegionEpoch epoch = split != null && live != null ? live.region().getRegionEpoch()
                : region.getRegionEpoch();
        final RaftCmdRequest.Builder b = RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder()
                .setRegionId(regionId).setPeer(p).setRegionEpoch(epoch));
        for (final Request r : reqs) {
            b.addRequests(r);
        }
        return b.build();
    }

    /** Store s's peer whose region holds {@code key}, or null. */
    Peer peerFor(final long s, final byte[] key) {
        final Store st = stores.get(s);
        if (st == null) {
            return null;
        }
        for (final Peer p : st.router().peers()) {
            if (p.region().getPeersCount() > 0
                    && org.tinykv.multiraft.region.RegionChecks.keyInRegion(key, p.region())) {
                return p;
            }
        }
        return null;
    }

    private static byte[] keyOf(final Request r) {
        return switch (r.getCmdType()) {
            case Put -> r.getPut().getKey().toByteArray();
            case Delete -> r.getDelete().getKey().toByteArray();
            case Get -> r.getGet().getKey().toByteArray();
            default -> new byte[0];
        };
    }

    static Request put(final String key, final String value) {
        return Request.newBuilder().setCmdType(CmdType.Put).setPut(PutRequest.newBuilder().setCf("default")
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build();
    }

    static Request get(final String key) {
        return Request.newBuilder().setCmdType(CmdType.Get).setGet(GetRequest.newBuilder().setCf("default")
                .setKey(ByteString.copyFromUtf8(key))).build();
    }

    static Request delete(final String key) {
        return Request.newBuilder().setCmdType(CmdType.Delete).setDelete(DeleteRequest.newBuilder().setCf("default")
                .setKey(ByteString.copyFromUtf8(key))).build();
    }

    /** A submitted command and its outcome. */
    record Call(CompletableFuture<RaftCmdResponse> future) {
        boolean done() {
            return future.isDone();
        }

        RaftCmdResponse response() {
            return future.getNow(null);
        }
    }

    Call submit(final long storeId, final Request... reqs) {
        final CompletableFuture<RaftCmdResponse> f = new CompletableFuture<>();
        final Store st = stores.get(storeId);
        if (st == null) {
            f.completeExceptionally(new IOException("store " + storeId + " is down"));
            return new Call(f);
        }
        st.propose(request(storeId, reqs), (resp, snap) -> {
            if (snap != null) {
                snap.close();
            }
            f.complete(resp);
        });
        return new Call(f);
    }

    /** Submits a ready-made command to store {@code storeId}. */
    Call submitRaw(final long storeId, final RaftCmdRequest req) {
        final CompletableFuture<RaftCmdResponse> f = new CompletableFuture<>();
        final Store st = stores.get(storeId);
        if (st == null) {
            f.completeExceptionally(new IOException("store " + storeId + " is down"));
            return new Call(f);
        }
        st.propose(req, (resp, snap) -> {
            if (snap != null) {
                snap.close();
            }
            f.complete(resp);
        });
        return new Call(f);
    }

    /**
     * Proposes a ChangePeer through the current leader (with its current epoch), retrying until it succeeds or
     * {@code maxSteps} pass; returns the successful response or null.
     */
    RaftCmdResponse changePeer(final org.tinykv.proto.eraftpb.ConfChangeType type,
                               final org.tinykv.proto.metapb.Peer target, final int maxSteps) {
        int used = 0;
        while (used < maxSteps) {
            final long l = leaderStore();
            if (l == 0) {
                step();
                used++;
                continue;
            }
            final Peer p = peer(l);
            final Call call = submitRaw(l, org.tinykv.multiraft.operation.confchange.ChangePeer.request(p.region(),
                    p.meta(), type, target));
            int n = 0;
            while (!call.done() && n < 300) {
                step();
                n++;
            }
            used += n + 1;
            final RaftCmdResponse r = call.future().isCompletedExceptionally() ? null : call.response();
            if (r != null && !r.getHeader().hasError()) {
                return r;
            }
            for (int i = 0; i < 5; i++) {
                step();
            }
            used += 5;
        }
        return null;
    }

    /** Submits and steps until answered or {@code maxSteps} passed; returns null on timeout. */
    RaftCmdResponse call(final long storeId, final int maxSteps, final Request... reqs) {
        final Call c = submit(storeId, reqs);
        runUntil(c::done, maxSteps);
        return c.future().isCompletedExceptionally() ? null : c.response();
    }

    /**
     * Sends to the leader, following NotLeader hints and retrying StaleCommand, until success or the step budget
     * is spent. Returns the successful response or null.
     */
    RaftCmdResponse callLeader(final int maxSteps, final Request... reqs) {
        int used = 0;
        long target = leaderStore() != 0 ? leaderStore() : 1;
        while (used < maxSteps) {
            final Call c = submit(target, reqs);
            int n = 0;
            while (!c.done() && n < 300) {
                step();
                n++;
            }
            used += n + 1;
            final RaftCmdResponse r = c.future().isCompletedExceptionally() ? null : c.response();
            if (r != null && !r.getHeader().hasError()) {
                return r;
            }
            if (r != null && r.getHeader().getError().hasNotLeader()
                    && r.getHeader().getError().getNotLeader().hasLeader()) {
                target = r.getHeader().getError().getNotLeader().getLeader().getStoreId();
            } else {
                final List<Long> ids = new ArrayList<>(stores.keySet());
                target = ids.isEmpty() ? 1 : ids.get(rnd.nextInt(ids.size()));
                for (int i = 0; i < 5; i++) {
                    step();
                }
                used += 5;
            }
        }
        return null;
    }

    /** The value of key in store s's kv engine, read directly. */
    String engineValue(final long s, final String key) throws IOException {
        final byte[] v = stores.get(s).engines().kv().get(Cf.DEFAULT, Keys.dataKey(key.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        return v == null ? null : new String(v, java.nio.charset.StandardCharsets.UTF_8);
    }


    /** One line per store: role, term, applied, truncated, last index, region epoch (failure messages). */
    String describe() {
        final StringBuilder sb = new StringBuilder();
        for (final long s : new java.util.TreeSet<>(stores.keySet())) {
            final Peer p = peer(s);
            if (p == null) {
                sb.append("\n store ").append(s).append(": no peer");
                continue;
            }
            sb.append("\n store ").append(s).append(": leader=").append(p.isLeader()).append(" status=")
                    .append(p.status()).append(" truncated=").append(p.storage().truncatedIndex())
                    .append(" conf_ver=").append(p.region().getRegionEpoch().getConfVer())
                    .append(" peers=").append(p.region().getPeersCount());
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        for (final Store st : stores.values()) {
            st.close();
        }
        stores.clear();
    }
}
