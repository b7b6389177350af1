package org.tinykv.multiraft.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.fsm.ApplyRouter;
import org.tinykv.multiraft.fsm.ApplyWorker;
import org.tinykv.multiraft.fsm.PeerFsm;
import org.tinykv.multiraft.fsm.PeerMsg;
import org.tinykv.multiraft.fsm.PeerStatus;
import org.tinykv.multiraft.fsm.RaftWorker;
import org.tinykv.multiraft.fsm.StoreMetrics;
import org.tinykv.multiraft.fsm.Router;
import org.tinykv.multiraft.fsm.WakeableIdleStrategy;
import org.tinykv.multiraft.operation.confchange.ChangePeer;
import org.tinykv.multiraft.operation.heartbeat.HeartbeatConfig;
import org.tinykv.multiraft.operation.heartbeat.RegionHeartbeats;
import org.tinykv.multiraft.operation.heartbeat.StoreHeartbeater;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.multiraft.operation.snapshot.SnapManager;
import org.tinykv.multiraft.operation.snapshot.SnapshotApplier;
import org.tinykv.multiraft.operation.split.SplitChecker;
import org.tinykv.multiraft.operation.split.SplitConfig;
import org.tinykv.multiraft.peer.ApplyDelegate;
import org.tinykv.multiraft.peer.ApplyResult;
import org.tinykv.multiraft.peer.CmdCallback;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.LocalReads;
import org.tinykv.multiraft.peer.Peer;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.peer.PeerStorage;
import org.tinykv.multiraft.peer.SplitHooks;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.multiraft.transport.Transport;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.RegionLocalState;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.FileSystem;

/**
 * A store: its two engines on {@code <dir>/kv} and {@code <dir>/raft}, its peers (loaded from their
 * RegionLocalState on open), the router and the raft/apply workers, and the snapshot manager
 * ({@code <dir>/snap}). The server calls {@link #propose} for every command, {@link #onRaftMessage} for every
 * message from another store and {@link #receiveSnapshot} for a snapshot's message with its files. A message
 * for a region the store has no peer of creates an uninitialized peer if it is a leader's message with a newer
 * conf version than any tombstone of the region here.
 *
 * <p>With a scheduler client, region leaders send region heartbeats and a worker sends store heartbeats;
 * operators are routed to the regions' peers. With a split config, a split checker worker measures the regions
 * their leaders queue and proposes splits; every applied split creates the new region's peer here.
 *
 * <p>Workers run either on their own threads ({@link #start()}) or are driven by the caller through
 * {@link #doWork()} (deterministic tests); never both.
 *
 * <p>Thread-safety: {@link #propose} and {@link #onRaftMessage} are safe from any thread.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final long storeId;
    private final Engines engines;
    private final Closeable dirLock;
    private final Router router = new Router();
    private final ApplyRouter applyRouter = new ApplyRouter();
    private final StoreMetrics metrics = new StoreMetrics();
    private final List<Agent> agents = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final StoreConfig cfg;
    private final SnapManager snaps;
    private SchedulerClient pd;
    private HeartbeatConfig hbCfg = HeartbeatConfig.defaults();
    private SplitChecker splitChecker;
    private long splitCheckTicks = Long.MAX_VALUE;
    private long splitSizeDiff = Long.MAX_VALUE;
    private EpochClock clock;

    private Store(final long storeId, final Engines engines, final Closeable dirLock, final StoreConfig cfg,
                  final SnapManager snaps) {
        this.storeId = storeId;
        this.engines = engines;
        this.dirLock = dirLock;
        this.cfg = cfg;
        this.snaps = snaps;
    }

    /**
     * Opens a bootstrapped store: takes {@code <dir>/LOCK}, opens the engines, loads every Normal region with a
     * peer on this store, and creates (but does not start) the workers. {@code clock} counts milliseconds and must
     * never go back or jump: it drives the ticks, and the leader lease that local reads rest on is counted in them.
     *
     * @throws IOException if the dir is not bootstrapped, is locked, or its meta is corrupt
     */
    public static Store open(final FileSystem fs, final Path dir, final StoreConfig cfg, final Transport transport,
                             final EpochClock clock) throws IOException {
        return open(fs, dir, cfg, transport, clock, null, HeartbeatConfig.defaults());
    }

    /**
     * Opens a bootstrapped store that reports to the scheduler {@code pd} (null: no scheduler): region leaders
     * send region heartbeats, a worker sends store heartbeats, and operators from {@code pd} are routed to the
     * regions' peers.
     *
     * @throws IOException if the dir is not bootstrapped, is locked, or its meta is corrupt
     */
    public static Store open(final FileSystem fs, final Path dir, final StoreConfig cfg, final Transport transport,
                             final EpochClock clock, final SchedulerClient pd, final HeartbeatConfig hb)
            throws IOException {
        return open(fs, dir, cfg, transport, clock, pd, hb, null);
    }

    /**
     * Opens a bootstrapped store reporting to {@code pd} whose regions split by {@code split} (null: regions are
     * split only by Split commands from outside; requires {@code pd} when set).
     *
     * @throws IOException if the dir is not bootstrapped, is locked, or its meta is corrupt
     */
    public static Store open(final FileSystem fs, final Path dir, final StoreConfig cfg, final Transport transport,
                             final EpochClock clock, final SchedulerClient pd, final HeartbeatConfig hb,
                             final SplitConfig split) throws IOException {
        if (split != null && pd == null) {
            throw new IllegalArgumentException("split checks need a scheduler client");
        }
        fs.createDirectories(dir);
        final Closeable lock = fs.lock(dir.resolve("LOCK"));
        Engines engines = null;
        try {
            engines = Engines.open(fs, dir, cfg);
            final byte[] ident = engines.kv().get(Keys.META_CF, Keys.storeIdentKey());
            if (ident == null) {
                throw new IOException(dir + " is not bootstrapped (no store ident)");
            }
            final SnapManager snaps = new SnapManager(fs, dir.resolve("snap"), engines.kv(), engines.raft());
            final Store s = new Store(Bootstrap.parseIdent(ident, dir).getStoreId(), engines, lock, cfg, snaps);
            s.pd = pd;
            s.hbCfg = hb;
            if (split != null) {
                s.splitCheckTicks = split.checkTicks();
                s.splitSizeDiff = Math.max(1, split.splitSize() / 16);
                s.splitChecker = new SplitChecker(engines.kv(), pd, split.splitSize(), split.policy(),
                        req -> s.propose(req, (resp, snap) -> logSplit(s.storeId, req, resp)));
            }
            s.finishSnapshotApplies();
            snaps.deleteAll();
            s.loadPeers(dir);
            s.createWorkers(transport, clock);
            if (s.splitChecker != null) {
                s.agents.add(s.splitChecker);
            }
            if (pd != null) {
                s.agents.add(new StoreHeartbeater(s.storeId, fs, dir, pd, clock, hb, s.router::size,
                        () -> s.router.sendToHibernating(PeerMsg.HibernatingHeartbeat.INSTANCE)));
                pd.setOperatorListener(op -> s.router.send(op.getRegionId(), new PeerMsg.Operator(op)));
            }
            return s;
        } catch (final IOException | RuntimeException e) {
            if (engines != null) {
                engines.close();
            }
            lock.close();
            throw e;
        }
    }

    /**
     * Re-applies every snapshot whose marker is still in the raft engine but whose data may not be in the kv
     * engine (a crash during apply), then drops the markers. See docs/formats/snapshot.md.
     */
    private void finishSnapshotApplies() throws IOException {
        final ReadOptions ro = ReadOptions.builder().lowerBound(Keys.snapshotApplyMinKey())
                .upperBound(Keys.snapshotApplyMaxKey()).build();
        final List<byte[]> keys = new ArrayList<>();
        final List<Snapshot> pending = new ArrayList<>();
        try (DbIterator it = engines.raft().newIterator(ro, Keys.META_CF)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                keys.add(it.key());
                pending.add(Snapshot.parseFrom(it.value()));
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            final long regionId = Keys.regionIdOfSnapshotApplyKey(keys.get(i));
            final Snapshot snap = pending.get(i);
            final byte[] as = engines.kv().get(Keys.META_CF, Keys.applyStateKey(regionId));
            final SnapshotFiles files = snaps.receivedFiles(regionId, snap);
            if (as == null || RaftApplyState.parseFrom(as).getAppliedIndex() < snap.getMetadata().getIndex()) {
                final byte[] rs = engines.kv().get(Keys.META_CF, Keys.regionStateKey(regionId));
                final org.tinykv.proto.metapb.Region old = rs == null ? null
                        : RegionLocalState.parseFrom(rs).getRegion();
                SnapshotApplier.apply(engines.kv(), files, snap, old);
                LOG.info("event=snapshot_reapplied store={} region={} index={}", storeId, regionId,
                        snap.getMetadata().getIndex());
            }
            engines.raft().write(new WriteBatch().delete(Keys.META_CF, keys.get(i)), WriteOptions.SYNC);
            SnapManager.deleteQuietly(files);
        }
    }

    private void loadPeers(final Path dir) throws IOException {
        final ReadOptions ro = ReadOptions.builder().lowerBound(Keys.regionMetaMinKey())
                .upperBound(Keys.regionMetaMaxKey()).build();
        final List<RegionLocalState> states = new ArrayList<>();
        try (DbIterator it = engines.kv().newIterator(ro, Keys.META_CF)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                try {
                    states.add(RegionLocalState.parseFrom(it.value()));
                } catch (final InvalidProtocolBufferException e) {
                    throw new CorruptionException(dir.resolve("kv").toString(), 0, "bad region state of region "
                            + Keys.regionIdOfMetaKey(it.key()) + ": " + e.getMessage());
                }
            }
        }
        for (final RegionLocalState st : states) {
            if (st.getState() == PeerState.Tombstone
                    && engines.raft().get(Keys.META_CF, Keys.raftStateKey(st.getRegion().getId())) != null) {
                PeerStorage.clearRaftData(engines.raft(), st.getRegion().getId());
            }
            if (st.getState() != PeerState.Normal || RegionChecks.findPeer(st.getRegion(), storeId) == null) {
                continue;
            }
            final long regionId = st.getRegion().getId();
            final PeerStorage ps = PeerStorage.load(regionId, engines.kv(), engines.raft(), snaps);
            final RaftApplyState as = RaftApplyState.parseFrom(
                    engines.kv().get(Keys.META_CF, Keys.applyStateKey(regionId)));
            final Peer peer = new Peer(storeId, ps, peerConfig());
            if (st.getRegion().getPeersCount() == 1) {
                peer.campaign();
            }
            register(peer, new ApplyDelegate(st.getRegion(), as, peer.meta().getId()));
            LOG.info("event=peer_loaded store={} region={} applied={} last_index={}", storeId, regionId,
                    as.getAppliedIndex(), ps.lastIndex());
        }
    }

    private PeerConfig peerConfig() {
        return cfg.peer().withSeed(cfg.peer().seed() * 1_000_003L + storeId);
    }

    private void register(final Peer peer, final ApplyDelegate delegate) {
        final long regionId = peer.regionId();
        peer.setSnapshotStatusSink((to, ok) -> router.send(regionId, new PeerMsg.SnapshotStatus(to, ok)));
        final SplitChecker checker = splitChecker;
        peer.setSplitHooks(new SplitHooks(splitCheckTicks, splitSizeDiff, p -> {
            if (checker != null) {
                checker.check(p.region(), p.meta());
            }
        }, this::onSplit, this::sibling));
        if (pd != null) {
            final SchedulerClient client = pd;
            peer.setHeartbeatSink(hbCfg.regionHeartbeatTicks(), p -> client.regionHeartbeat(
                    RegionHeartbeats.request(p.region(), p.meta(), p.pendingPeers(),
                            RegionHeartbeats.approximateSize(engines.kv(), p.region()))));
        }
        delegate.publishTo(peer.localReads());
        applyRouter.register(delegate);
        router.register(peer);
    }

    private static void logSplit(final long storeId, final RaftCmdRequest req,
                                 final org.tinykv.proto.raft_cmdpb.RaftCmdResponse resp) {
        if (resp.getHeader().hasError()) {
            LOG.info("event=split_rejected store={} region={} error=\"{}\"", storeId,
                    req.getHeader().getRegionId(), resp.getHeader().getError().getMessage());
        }
    }

    /**
     * Creates this store's peer of a region just split off (on the raft worker, after the split's states are
     * written). An uninitialized peer of it created earlier by a message is replaced; an initialized one is kept.
     * The peer campaigns at once if this store's peer led the parent region.
     */
    private synchronized void onSplit(final ApplyResult.Split s, final boolean parentLeader) {
        final org.tinykv.proto.metapb.Region right = s.right();
        final PeerFsm existing = router.fsm(right.getId());
        if (existing != null) {
            if (existing.peer().storage().isInitialized()) {
                return;
            }
            router.remove(right.getId());
            applyRouter.remove(right.getId());
            existing.peer().failAll(RegionErrors.regionNotFound(right.getId()));
        }
        try {
            final PeerStorage ps = PeerStorage.load(right.getId(), engines.kv(), engines.raft(), snaps);
            final RaftApplyState as = RaftApplyState.parseFrom(
                    engines.kv().get(Keys.META_CF, Keys.applyStateKey(right.getId())));
            final Peer peer = new Peer(storeId, ps, peerConfig());
            peer.markForSplitCheck();
            if (parentLeader || right.getPeersCount() == 1) {
                peer.campaign();
            }
            register(peer, new ApplyDelegate(right, as, peer.meta().getId()));
            LOG.info("event=split_peer_created store={} parent={} region={}", storeId, s.regionId(), right.getId());
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException("store " + storeId + ": cannot create split region "
                    + right.getId(), e);
        }
    }

    /** The region on this store starting where {@code r} ends, or null. */
    private org.tinykv.proto.metapb.Region sibling(final org.tinykv.proto.metapb.Region r) {
        if (r.getEndKey().isEmpty()) {
            return null;
        }
        for (final Peer p : router.peers()) {
            final org.tinykv.proto.metapb.Region o = p.region();
            if (o.getId() != r.getId() && o.getPeersCount() > 0 && o.getStartKey().equals(r.getEndKey())) {
                return o;
            }
        }
        return null;
    }

    /** True if an initialized region of this store other than {@code regionId} overlaps [start, end). */
    private boolean overlapsLocalRegion(final long regionId, final com.google.protobuf.ByteString start,
                                        final com.google.protobuf.ByteString end) {
        for (final Peer p : router.peers()) {
            final org.tinykv.proto.metapb.Region o = p.region();
            if (o.getId() == regionId || o.getPeersCount() == 0) {
                continue;
            }
            final boolean startsBeforeOtherEnds = o.getEndKey().isEmpty()
                    || java.util.Arrays.compareUnsigned(start.toByteArray(), o.getEndKey().toByteArray()) < 0;
            final boolean endsAfterOtherStarts = end.isEmpty()
                    || java.util.Arrays.compareUnsigned(o.getStartKey().toByteArray(), end.toByteArray()) < 0;
            if (startsBeforeOtherEnds && endsAfterOtherStarts) {
                return true;
            }
        }
        return false;
    }

    private void createWorkers(final Transport transport, final EpochClock clock) {
        this.clock = clock;
        for (int i = 0; i < cfg.raftWorkers(); i++) {
            agents.add(new RaftWorker("raft-" + storeId + "-" + i, router, applyRouter, engines.raft(), transport,
                    clock, cfg.tickMillis(), i == 0, cfg.maxBatch(), metrics));
        }
        for (int i = 0; i < cfg.applyWorkers(); i++) {
            agents.add(new ApplyWorker("apply-" + storeId + "-" + i, applyRouter, engines.kv(), cfg.maxBatch(),
                    r -> router.send(r.regionId(), new PeerMsg.Applied(r))));
        }
        agents.add(snaps);
    }

    /** This store's id. */
    public long storeId() {
        return storeId;
    }

    /** The engines (the server's standalone reads, tools, tests). */
    public Engines engines() {
        return engines;
    }

    /** The router (tests). */
    public Router router() {
        return router;
    }

    /** The raft workers (metrics, tests). */
    public List<RaftWorker> raftWorkers() {
        final List<RaftWorker> out = new ArrayList<>();
        for (final Agent a : agents) {
            if (a instanceof RaftWorker w) {
                out.add(w);
            }
        }
        return out;
    }

    /** Starts one thread per worker. */
    public synchronized void start() {
        if (!runners.isEmpty()) {
            throw new IllegalStateException("store " + storeId + " already started");
        }
        for (final Agent a : agents) {
            final WakeableIdleStrategy idle = new WakeableIdleStrategy(cfg.tickMillis());
            if (a instanceof RaftWorker) {
                router.addWaiter(idle);
            } else {
                applyRouter.addWaiter(idle);
            }
            final AgentRunner r = new AgentRunner(idle, t -> LOG.error("event=worker_error store={}", storeId, t),
                    null, a);
            runners.add(r);
            AgentRunner.startOnThread(r);
        }
    }

    /** Runs one round of every worker on the calling thread; returns the work done. */
    public int doWork() {
        int n = 0;
        for (final Agent a : agents) {
            try {
                n += a.doWork();
            } catch (final Exception e) {
                throw new IllegalStateException("store " + storeId + " worker " + a.roleName() + " failed", e);
            }
        }
        return n;
    }

    /**
     * Routes a command to the region's peer; answers RegionNotFound through {@code cb} if this store has none.
     * The callback runs on a worker thread.
     */
    public void propose(final RaftCmdRequest req, final CmdCallback cb) {
        final long regionId = req.getHeader().getRegionId();
        final long proposedAt = System.nanoTime();
        final CmdCallback timed = (resp, snap) -> {
            metrics.commandAnswered(System.nanoTime() - proposedAt, resp.getHeader().hasError());
            cb.onDone(resp, snap);
        };
        if (serveLocally(req, timed)) {
            return;
        }
        if (!router.send(regionId, new PeerMsg.Propose(req, timed))) {
            timed.onDone(RegionErrors.errorResponse(RegionErrors.regionNotFound(regionId), 0), null);
        }
    }

    /**
     * Answers a read here, on the caller's thread, if the region's leader is on this store and its lease covers it
     * (see {@link LocalReads}); false leaves the command to the peer.
     */
    private boolean serveLocally(final RaftCmdRequest req, final CmdCallback cb) {
        if (clock == null || !LocalReads.mayServe(req)) {
            return false;
        }
        final PeerFsm f = router.fsm(req.getHeader().getRegionId());
        if (f == null) {
            return false;
        }
        final ApplyDelegate.Result r;
        try {
            r = f.peer().localReads().tryServe(req, storeId, engines.kv(), clock);
        } catch (final IOException e) {
            LOG.warn("event=local_read_failed store={} region={} error=\"{}\"", storeId,
                    req.getHeader().getRegionId(), e.getMessage());
            return false;
        }
        if (r == null) {
            return false;
        }
        metrics.localRead();
        cb.onDone(r.response(), r.snapshot());
        return true;
    }

    /** The counters of this store's raft machinery. */
    public StoreMetrics metrics() {
        return metrics;
    }

    /**
     * The status of every peer on this store, sorted by region id, at most one tick old; peers that have not had a
     * worker round yet are left out. Safe from any thread.
     */
    public List<PeerStatus> peerStatuses() {
        final List<PeerStatus> out = router.statuses();
        out.sort((a, b) -> Long.compare(a.region().getId(), b.region().getId()));
        return out;
    }

    /** The snapshot manager (tests, tools). */
    public SnapManager snapManager() {
        return snaps;
    }

    /**
     * Accepts a raft message from another store. Messages for other stores are dropped; a message for a region
     * without a peer here may create one (see the class comment), else it is dropped.
     */
    public void onRaftMessage(final RaftMessage msg) {
        if (msg.getToPeer().getStoreId() != storeId) {
            return;
        }
        if (!router.send(msg.getRegionId(), new PeerMsg.Raft(msg)) && maybeCreatePeer(msg)) {
            router.send(msg.getRegionId(), new PeerMsg.Raft(msg));
        }
    }

    /**
     * The transport lost its connection to store {@code storeId} (any thread): hibernating followers whose leader is
     * there wake up, so that an election replaces a leader whose store died while its region slept.
     */
    public void onStoreUnreachable(final long storeId) {
        if (storeId != this.storeId) {
            router.sendToHibernating(new PeerMsg.StoreUnreachable(storeId));
        }
    }

    /**
     * Receives a snapshot: copies its files into this store's snapshot dir (verifying sizes and checksums), then
     * delivers the message. Returns false if the files did not arrive intact or the message is not for us.
     */
    public boolean receiveSnapshot(final RaftMessage msg, final SnapshotFiles files) {
        if (msg.getToPeer().getStoreId() != storeId || msg.getMessage().getMsgType() != MessageType.MsgSnapshot) {
            return false;
        }
        final SnapshotFiles dst;
        try {
            dst = snaps.receivedFiles(msg.getRegionId(), msg.getMessage().getSnapshot());
        } catch (final IOException e) {
            return false;
        }
        if (!SnapManager.copyVerified(files, dst)) {
            metrics.snapshotReceived(false);
            return false;
        }
        metrics.snapshotReceived(true);
        onRaftMessage(msg);
        return true;
    }

    private synchronized boolean maybeCreatePeer(final RaftMessage msg) {
        final long regionId = msg.getRegionId();
        if (router.contains(regionId)) {
            return true;
        }
        try {
            final byte[] v = engines.kv().get(Keys.META_CF, Keys.regionStateKey(regionId));
            final RegionLocalState local = v == null ? null : RegionLocalState.parseFrom(v);
            if (!ChangePeer.mayCreatePeer(msg, local)
                    || overlapsLocalRegion(regionId, msg.getStartKey(), msg.getEndKey())) {
                return false;
            }
            final PeerStorage ps = PeerStorage.createUninitialized(regionId, engines.raft(), snaps);
            final Peer peer = new Peer(storeId, ps, peerConfig(), msg.getToPeer());
            register(peer, new ApplyDelegate(ps.region(), RaftApplyState.getDefaultInstance(),
                    msg.getToPeer().getId()));
            LOG.info("event=peer_created store={} region={} peer={}", storeId, regionId, msg.getToPeer().getId());
            return true;
        } catch (final IOException | RuntimeException e) {
            LOG.warn("event=peer_create_failed store={} region={} error=\"{}\"", storeId, regionId, e.toString());
            return false;
        }
    }

    /**
     * Stops the workers, answers every command still waiting with an error (a write may or may not have been
     * applied), and closes the engines.
     */
    @Override
    public synchronized void close() throws IOException {
        if (pd != null) {
            pd.setOperatorListener(null);
        }
        for (final AgentRunner r : runners) {
            r.close();
        }
        runners.clear();
        final org.tinykv.proto.errorpb.Error closing = RegionErrors.other("store " + storeId + " is closing");
        router.stopAll(closing);
        applyRouter.stopAll(closing);
        try {
            engines.close();
        } finally {
            dirLock.close();
        }
    }
}
