package org.tinykv.multiraft.peer;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.multiraft.operation.compactlog.CompactLog;
import org.tinykv.multiraft.operation.confchange.ChangePeer;
import org.tinykv.multiraft.operation.heartbeat.Operators;
import org.tinykv.multiraft.operation.hibernate.Hibernation;
import org.tinykv.multiraft.operation.read.PendingReads;
import org.tinykv.multiraft.operation.split.Split;
import org.tinykv.multiraft.operation.snapshot.SnapManager;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.multiraft.transport.Transport;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminResponse;
import org.tinykv.proto.raft_cmdpb.ChangePeerRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftResponseHeader;
import org.tinykv.proto.raft_cmdpb.TransferLeaderResponse;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.RaftSnapshotData;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.raft.RaftConfig;
import org.tinykv.raft.ReadOnlyOption;
import org.tinykv.raft.RawNode;
import org.tinykv.raft.ReadState;
import org.tinykv.raft.SnapshotStatus;
import org.tinykv.raft.Ready;
import org.tinykv.raft.StateRole;
import org.tinykv.raft.Status;

/**
 * One replica of a region on this store: its {@link RawNode}, its {@link PeerStorage} and the commands waiting
 * for raft. It knows nothing of threads; a worker drives it through the round
 * {@link #handleReady(WriteBatch)} → write the batch (synced) → {@link #postPersist(Transport)}, which sends the
 * messages, returns the work for the apply side, and advances raft.
 *
 * <p>Writes are proposed to the log and answered by the apply side (matched by index and term). Read-only
 * commands (Get/Snap) go through ReadIndex and are never written to the log. Admin commands: TransferLeader,
 * ChangePeer (a raft conf change carrying the command in its context) and CompactLog (also proposed by the leader
 * itself when the log exceeds the GC limits). Results of the apply side come back through
 * {@link #onApplyResult}. A peer created on demand for an unknown region starts uninitialized and waits for a
 * snapshot. A region with nothing in flight hibernates ({@link Hibernation}): its ticks stop until a command, an
 * operator, an apply result or a raft message that needs timers wakes it.
 *
 * <p>Thread-safety: confined to one thread at a time.
 */
public final class Peer {
    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);
    private final long storeId;
    private final long regionId;
    private final org.tinykv.proto.metapb.Peer meta;
    private final PeerStorage storage;
    private final RawNode raft;
    private final Proposals proposals = new Proposals();
    private final PendingReads<PendingRead> reads;
    private final LocalReads localReads = new LocalReads();
    private final PeerConfig cfg;
    private final Map<Long, org.tinykv.proto.metapb.Peer> peerCache = new HashMap<>();
    private final Hibernation hibernation;
    private BiConsumer<Long, Boolean> snapshotStatusSink = (to, ok) -> { };
    private final LeaderCadence cadence = new LeaderCadence();
    private final Map<Long, Long> matched = new HashMap<>();
    private ApplyTask.ApplySnapshot pendingSnapshot;
    private long lastCompactProposed;
    private boolean destroying;
    private org.tinykv.proto.metapb.RegionEpoch staleEpoch;
    private long leaderId;
    private StateRole role = StateRole.FOLLOWER;
    private Ready outstanding;
    private boolean needsSync;
    /** Whether the outstanding Ready's messages may go out before its batch is durable (a leader's, same term). */
    private boolean mayReplicateEarly;
    private boolean sentEarly;
    /** The last index of the outstanding Ready's round that was durable before it (0: nothing may go early). */
    private long durableBefore;
    /** Whether {@link #applyBeforePersist} handed out the outstanding Ready's early work. */
    private boolean handedEarly;

    /** A read waiting for ReadIndex. */
    private record PendingRead(RaftCmdRequest request, CmdCallback callback, long term) { }

    /** Creates the peer of {@code storage}'s region on {@code storeId}; IllegalArgumentException if it has none. */
    public Peer(final long storeId, final PeerStorage storage, final PeerConfig cfg) {
        this(storeId, storage, cfg, RegionChecks.findPeer(storage.region(), storeId));
    }

    /**
     * Creates peer {@code meta} of {@code storage}'s region on {@code storeId} (for a peer created on demand, whose
     * storage is uninitialized and does not list it yet); IllegalArgumentException if meta is null or elsewhere.
     */
    public Peer(final long storeId, final PeerStorage storage, final PeerConfig cfg,
                final org.tinykv.proto.metapb.Peer meta) {
        this.storeId = storeId;
        this.storage = storage;
        this.regionId = storage.regionId();
        this.meta = meta;
        this.cfg = cfg;
        if (meta == null || meta.getStoreId() != storeId) {
            throw new IllegalArgumentException("region " + regionId + " has no peer on store " + storeId);
        }
        final RaftConfig rc = RaftConfig.builder(meta.getId()).electionTick(cfg.electionTick())
                .heartbeatTick(cfg.heartbeatTick()).applied(storage.appliedIndexAtLoad())
                .maxSizePerMsg(cfg.maxSizePerMsg()).maxInflightMsgs(cfg.maxInflightMsgs()).checkQuorum(true)
                .preVote(true).readOnlyOption(cfg.leaseReads() ? ReadOnlyOption.LEASE_BASED : ReadOnlyOption.SAFE)
                .seed(cfg.seed() * 31 + meta.getId()).build();
        this.raft = new RawNode(rc, storage);
        this.reads = new PendingReads<>(cfg.readTimeoutTicks(), meta.getId());
        this.hibernation = new Hibernation(cfg.hibernateTicks(), raft, meta, storage::region, this::quiescent);
    }

    /** The region id. */
    public long regionId() {
        return regionId;
    }

    /** This peer's meta. */
    public org.tinykv.proto.metapb.Peer meta() {
        return meta;
    }

    /** The region meta. */
    public Region region() {
        return storage.region();
    }

    /** The storage (tests, tools). */
    public PeerStorage storage() {
        return storage;
    }

    /** True if this peer is the leader. */
    public boolean isLeader() {
        return role == StateRole.LEADER;
    }

    /** The reads other threads may answer for this peer while it leads (see {@link LocalReads}). */
    public LocalReads localReads() {
        return localReads;
    }

    /** After each worker round of this peer: what its local readers may now rely on (see {@link LocalReads}). */
    public void publishLocalReads(final boolean ticksPending, final long roundStart, final long tickMillis) {
        localReads.leaderRound(raft.isLeader() && !destroying && storage.isInitialized(), meta.getId(), raft.term(),
                raft.lastIndex(), raft.leaseTicksLeft(), ticksPending, roundStart, tickMillis);
    }

    /** The known leader's peer id, 0 if unknown. */
    public long leaderId() {
        return leaderId;
    }

    /** The raft status (term, commit, applied, last index). */
    public Status status() {
        return raft.status();
    }

    /** Number of writes waiting to be applied (metrics, tests). */
    public int pendingProposals() {
        return proposals.size();
    }

    /** Advances logical time one tick; answers ReadIndex requests that timed out with StaleCommand. */
    public void tick() {
        tick(1);
    }

    /**
     * One tick standing for {@code intervals} tick intervals that fell due (a busy worker takes several at once):
     * timers advance once, while raft's lease clock counts them all ({@code RawNode.catchUpTicks}).
     */
    public void tick(final long intervals) {
        if (destroying || hibernation.asleep()) {
            return;
        }
        raft.catchUpTicks(intervals - 1);
        raft.tick();
        if (isLeader()) {
            maybeCompactLog();
            cadence.onLeaderTick(this);
        }
        hibernation.onTick();
        for (final PendingRead r : reads.tick()) {
            r.callback().onDone(RegionErrors.errorResponse(RegionErrors.staleCommand(), r.term()), null);
        }
    }

    /** True if this leader's region has nothing to do until the next command (see the hibernate package). */
    private boolean quiescent() {
        return outstanding == null && pendingSnapshot == null && proposals.size() == 0 && !reads.hasOpen()
                && storage.isInitialized() && raft.isQuiescentLeader() && !localReads.takeServed();
    }

    /** True if this peer's region does not tick on this store now (it hibernates). */
    public boolean isHibernating() {
        return hibernation.asleep();
    }

    /**
     * The transport lost its connection to {@code storeId}: a sleeping follower whose leader is there wakes, so that
     * its election timer can replace a leader that is gone.
     */
    public void onStoreUnreachable(final long storeId) {
        hibernation.onStoreUnreachable(storeId);
    }

    /** Hands the messages gathered that are not raft's (hibernation notices) to {@code transport}. */
    public void sendNotices(final Transport transport) {
        hibernation.sendNotices(transport);
    }

    /** Starts an election now (bootstrap helpers and tests). */
    public void campaign() {
        raft.campaign();
    }

    /** Feeds a raft message from another peer. Returns false if it was not for this peer and was dropped. */
    public boolean step(final RaftMessage msg) {
        if (msg.getToPeer().getId() != meta.getId() || msg.getRegionId() != regionId || destroying
                || msg.getIsTombstone()) {
            return false;
        }
        peerCache.put(msg.getFromPeer().getId(), msg.getFromPeer());
        if (msg.hasExtraMsg()) {
            hibernation.onNotice(msg);
            return true;
        }
        final Message m = msg.getMessage();
        hibernation.beforeStep(m);
        if (m.getMsgType() == MessageType.MsgAppendResponse && !m.getReject() && isLeader()) {
            matched.merge(m.getFrom(), m.getIndex(), Math::max);
        }
        if (msg.getMessage().getMsgType() == MessageType.MsgSnapshot && !acceptSnapshot(msg.getMessage())) {
            return false;
        }
        final boolean stepped = raft.step(msg.getMessage());
        hibernation.afterStep();
        return stepped;
    }

    /**
     * Checks a message against the region membership before {@link #step}: returns a tombstone notice to send
     * back if the sender was removed from the region (not a member, older conf version), else null. Messages
     * that tell this peer that it is stale (a tombstone notice with a newer epoch, or a message for a newer peer
     * of this region on this store) yield {@link #staleSelf()}.
     */
    public RaftMessage checkMembership(final RaftMessage msg) {
        if (!storage.isInitialized() || destroying) {
            return null;
        }
        final long ours = region().getRegionEpoch().getConfVer();
        final long theirs = msg.getRegionEpoch().getConfVer();
        if (msg.getIsTombstone() || msg.getToPeer().getId() > meta.getId()) {
            if (theirs > ours) {
                destroying = true;
                staleEpoch = msg.getRegionEpoch();
            }
            return null;
        }
        if (RegionChecks.findPeerById(region(), msg.getFromPeer().getId()) == null && theirs < ours) {
            return RaftMessage.newBuilder().setRegionId(regionId).setFromPeer(meta).setToPeer(msg.getFromPeer())
                    .setRegionEpoch(region().getRegionEpoch()).setIsTombstone(true).build();
        }
        return null;
    }

    /**
     * If a newer member told this peer it was removed: the task that makes the apply side delete its data and
     * write the tombstone (once; the peer then ignores everything until it is destroyed), else null.
     */
    public ApplyTask staleSelf() {
        if (!destroying || staleEpoch == null) {
            return null;
        }
        final ApplyTask t = new ApplyTask.Destroy(regionId, staleEpoch);
        staleEpoch = null;
        failAll(RegionErrors.regionNotFound(regionId));
        return t;
    }

    /** A snapshot is stepped only if it is newer than ours and its files were received intact. */
    private boolean acceptSnapshot(final Message m) {
        final SnapManager snaps = storage.snapManager();
        if (snaps == null || outstanding != null && outstanding.snapshot() != null) {
            return false;
        }
        final Snapshot s = m.getSnapshot();
        try {
            final RaftSnapshotData data = SnapManager.parseData(s);
            if (s.getMetadata().getIndex() <= storage.truncatedIndex() || data.getRegion().getId() != regionId
                    || storage.isInitialized() && RegionChecks.isEpochStale(data.getRegion().getRegionEpoch(),
                    region().getRegionEpoch())) {
                return false;
            }
            return SnapManager.present(snaps.receivedFiles(regionId, s));
        } catch (final IOException e) {
            return false;
        }
    }

    /** The transport's verdict on a snapshot sent to {@code toPeerId}. */
    public void onSnapshotStatus(final long toPeerId, final boolean ok) {
        raft.reportSnapshot(toPeerId, ok ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE);
    }

    /** Where snapshot transfer outcomes are reported (the store routes them back to this peer's mailbox). */
    public void setSnapshotStatusSink(final BiConsumer<Long, Boolean> sink) {
        this.snapshotStatusSink = sink;
    }

    /** Region heartbeats go to {@code sink}: on becoming leader, on region changes and every everyTicks as leader. */
    public void setHeartbeatSink(final long everyTicks, final Consumer<Peer> sink) {
        cadence.setHeartbeatSink(everyTicks, sink);
    }

    /** Makes the next split check due regardless of the writes seen (a region just created by a split). */
    public void markForSplitCheck() {
        cadence.markForSplitCheck();
    }

    /** Enables split checks and the creation of split regions' peers. */
    public void setSplitHooks(final SplitHooks hooks) {
        cadence.setSplitHooks(hooks);
    }

    /**
     * The followers known to lag behind the log kept by this leader: those whose last acknowledged index is
     * below the truncated index (they need a snapshot). Followers not heard from since this peer became leader are
     * not listed.
     */
    public List<org.tinykv.proto.metapb.Peer> pendingPeers() {
        final List<org.tinykv.proto.metapb.Peer> out = new ArrayList<>();
        for (final org.tinykv.proto.metapb.Peer p : region().getPeersList()) {
            final Long m = matched.get(p.getId());
            if (p.getId() != meta.getId() && m != null && m < storage.truncatedIndex()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Sends a region heartbeat if this peer leads the region and hibernates (awake leaders send theirs by ticks). */
    public void heartbeatIfHibernating() {
        if (hibernation.asleep()) {
            heartbeat();
        }
    }

    /** Sends a region heartbeat now if this peer leads the region. */
    public void heartbeat() {
        if (isLeader() && !destroying) {
            cadence.heartbeat(this);
        }
    }

    /**
     * Acts on a scheduler operator if this peer leads the region and the operator still fits it (see
     * {@link Operators#check}): a leader transfer, or a ChangePeer proposal. Returns true if acted upon.
     */
    public boolean onOperator(final RegionHeartbeatResponse op) {
        hibernation.wake(false);
        final Operators.Action a = destroying ? null : Operators.check(op, region(), meta, isLeader());
        if (a instanceof Operators.Transfer t) {
            transferLeader(t.peerId());
            return true;
        }
        if (a instanceof Operators.Change c) {
            proposeChangePeer(c.command(), (resp, snap) -> { }, raft.status().hardState().getTerm());
            return true;
        }
        return false;
    }

    /** Starts a leader transfer; local reads stop at once, since the transferee may win without a vote barrier. */
    private void transferLeader(final long peerId) {
        localReads.revoke();
        raft.transferLeader(peerId);
    }

    private void maybeCompactLog() {
        final long applied = raft.status().applied();
        final long idx = CompactLog.compactIndex(storage.firstIndex(), applied, storage.logBytes(),
                cfg.raftLogGcCountLimit(), cfg.raftLogGcSizeLimit(), lastCompactProposed);
        if (idx == 0) {
            return;
        }
        final long term = storage.term(idx);
        if (raft.propose(CompactLog.request(region(), meta, idx, term).toByteString())) {
            lastCompactProposed = idx;
        }
    }

    /**
     * Takes a result of the apply side. Returns true if this peer was removed from the region and has destroyed
     * itself (raft log and state deleted, waiting commands answered RegionNotFound): the caller unregisters it.
     */
    public boolean onApplyResult(final ApplyResult r) {
        hibernation.wake(false);
        try {
            if (r instanceof ApplyResult.CompactLog c) {
                storage.compactTo(c.index(), c.term());
            } else if (r instanceof ApplyResult.Split s) {
                storage.setRegion(s.left());
                markForSplitCheck();
                final SplitHooks hooks = cadence.splitHooks();
                if (hooks != null) {
                    hooks.split().accept(s, isLeader());
                }
                heartbeat();
            } else if (r instanceof ApplyResult.SnapshotApplied s) {
                storage.finishSnapshotApply(s.index());
            } else if (r instanceof ApplyResult.ConfChanged c) {
                if (c.removedSelf()) {
                    failAll(RegionErrors.regionNotFound(regionId));
                    storage.destroy();
                    return true;
                }
                raft.applyConfChange(c.change());
                storage.setRegion(c.region());
                heartbeat();
            }
            return false;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Proposes a command. Errors are answered through {@code cb} right away: StoreNotMatch, NotLeader (with the
     * leader if known), peer mismatch, StaleCommand for an old term, EpochNotMatch, KeyNotInRegion.
     */
    public void propose(final RaftCmdRequest req, final CmdCallback cb) {
        hibernation.wake(true);
        final long term = raft.term();
        Error err = RegionChecks.checkStoreId(req, storeId);
        if (err == null && destroying) {
            err = RegionErrors.regionNotFound(regionId);
        }
        if (err == null && !isLeader()) {
            err = RegionErrors.notLeader(regionId, RegionChecks.findPeerById(region(), leaderId));
        }
        if (err == null) {
            err = RegionChecks.checkPeerAndTerm(req, meta.getId(), term);
        }
        if (err == null) {
            err = RegionChecks.checkRegionEpoch(req, region(), true);
            if (err != null && err.hasEpochNotMatch() && cadence.splitHooks() != null) {
                final Region sibling = cadence.splitHooks().sibling().apply(region());
                if (sibling != null) {
                    err = err.toBuilder().setEpochNotMatch(err.getEpochNotMatch().toBuilder()
                            .addCurrentRegions(sibling)).build();
                }
            }
        }
        if (err == null && !req.hasAdminRequest()) {
            err = CommandChecks.checkRequests(req, region());
        }
        if (err != null) {
            cb.onDone(RegionErrors.errorResponse(err, term), null);
            return;
        }
        if (req.hasAdminRequest()) {
            proposeAdmin(req, cb, term);
        } else if (CommandChecks.isReadOnly(req)) {
            reads.add(new PendingRead(req, cb, term));
        } else {
            proposeWrite(req, cb, term);
        }
    }

    private void proposeWrite(final RaftCmdRequest req, final CmdCallback cb, final long term) {
        cadence.written(req.getSerializedSize());
        final long index = raft.lastIndex() + 1;
        if (!raft.propose(req.toByteString()) || raft.lastIndex() != index) {
            cb.onDone(RegionErrors.errorResponse(RegionErrors.notLeader(regionId, null), term), null);
            return;
        }
        proposals.add(index, raft.term(), cb);
    }

    private void proposeChangePeer(final RaftCmdRequest req, final CmdCallback cb, final long term) {
        final ChangePeerRequest cp = req.getAdminRequest().getChangePeer();
        if (cp.getChangeType() == ConfChangeType.RemoveNode && cp.getPeer().getId() == meta.getId()) {
            cb.onDone(RegionErrors.errorResponse(RegionErrors.other("ignore remove leader: transfer leadership "
                    + "away from peer " + meta.getId() + " first"), term), null);
            return;
        }
        if (cp.getChangeType() != ConfChangeType.AddNode && cp.getChangeType() != ConfChangeType.RemoveNode) {
            cb.onDone(RegionErrors.errorResponse(RegionErrors.other("unsupported conf change "
                    + cp.getChangeType()), term), null);
            return;
        }
        final long index = raft.lastIndex() + 1;
        if (!raft.proposeConfChange(ChangePeer.toConfChange(req)) || raft.lastIndex() != index) {
            cb.onDone(RegionErrors.errorResponse(RegionErrors.other("conf change rejected: another one is "
                    + "pending"), term), null);
            return;
        }
        localReads.regionChangeProposed(index);
        proposals.add(index, raft.term(), cb);
    }

    private void proposeAdmin(final RaftCmdRequest req, final CmdCallback cb, final long term) {
        final AdminCmdType type = req.getAdminRequest().getCmdType();
        if (type == AdminCmdType.ChangePeer) {
            proposeChangePeer(req, cb, term);
            return;
        }
        if (type == AdminCmdType.CompactLog) {
            proposeWrite(req, cb, term);
            return;
        }
        if (type == AdminCmdType.Split) {
            final Error err = Split.check(req, region());
            if (err != null) {
                cb.onDone(RegionErrors.errorResponse(err, term), null);
            } else {
                proposeWrite(req, cb, term);
                localReads.regionChangeProposed(raft.lastIndex());
            }
            return;
        }
        if (type == AdminCmdType.TransferLeader) {
            transferLeader(req.getAdminRequest().getTransferLeader().getPeer().getId());
            cb.onDone(RaftCmdResponse.newBuilder().setHeader(RaftResponseHeader.newBuilder().setCurrentTerm(term))
                    .setAdminResponse(AdminResponse.newBuilder().setCmdType(AdminCmdType.TransferLeader)
                            .setTransferLeader(TransferLeaderResponse.getDefaultInstance())).build(), null);
            return;
        }
        cb.onDone(RegionErrors.errorResponse(RegionErrors.other("admin command "
                + req.getAdminRequest().getCmdType() + " is not supported yet"), term), null);
    }

    /** Whether the last {@link #handleReady}'s batch must be synced: entries, a snapshot, a new term or vote. */
    public boolean readyNeedsSync() {
        return needsSync;
    }

    /** True if raft has work for {@link #handleReady}. */
    public boolean hasReady() {
        return outstanding == null && (reads.hasOpen() || raft.hasReady());
    }

    /**
     * Takes raft's Ready and adds its log appends and hard state to {@code raftWb}. Returns false if there was
     * nothing to do. Requires: the previous round finished with {@link #postPersist}.
     */
    public boolean handleReady(final WriteBatch raftWb) {
        if (outstanding != null) {
            throw new IllegalStateException("region " + regionId + ": previous Ready not finished");
        }
        final ByteString readBatch = reads.seal();
        if (readBatch != null) {
            raft.readIndex(readBatch);
        }
        if (!raft.hasReady()) {
            return false;
        }
        final Ready rd = raft.ready();
        final boolean snap = rd.snapshot() != null && rd.snapshot().getMetadata().getIndex() > 0;
        if (snap) {
            try {
                final SnapshotFiles files = storage.applySnapshot(rd.snapshot(), raftWb);
                pendingSnapshot = new ApplyTask.ApplySnapshot(regionId, rd.snapshot(), files);
                final long index = rd.snapshot().getMetadata().getIndex();
                proposals.failThrough(index, RegionErrors.outcomeUnknown("folded into snapshot " + index),
                        rd.snapshot().getMetadata().getTerm());
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // entries up to here were made durable by earlier rounds (each round syncs before the next one starts)
        durableBefore = snap ? 0 : storage.lastIndex();
        if (!rd.entries().isEmpty()) {
            durableBefore = Math.min(durableBefore, rd.entries().get(0).getIndex() - 1);
        }
        handedEarly = false;
        storage.append(rd.entries(), raftWb);
        needsSync = snap || !rd.entries().isEmpty();
        boolean termOrVoteChanged = false;
        if (rd.hardState() != null) {
            final HardState was = storage.raftState().getHardState();
            // A new commit index alone may be lost in a crash (it is learned again from the leader); a new term or
            // vote must be durable before the messages that depend on it go out.
            termOrVoteChanged = rd.hardState().getTerm() != was.getTerm() || rd.hardState().getVote() != was.getVote();
            needsSync |= termOrVoteChanged;
            storage.setHardState(rd.hardState());
        }
        final StateRole roleNow = rd.softState() != null ? rd.softState().role() : role;
        mayReplicateEarly = roleNow == StateRole.LEADER && !termOrVoteChanged && !snap;
        sentEarly = false;
        if (snap || rd.hardState() != null || !rd.entries().isEmpty()) {
            storage.writeRaftState(raftWb);
        }
        outstanding = rd;
        return true;
    }

    /**
     * Before the batch of {@link #handleReady} is written, a leader (same term and vote) sends the Ready's messages,
     * so followers persist new entries while it does (raft thesis 10.2.1). Safe: acknowledgements are stepped only
     * in a later round of this peer, after this batch is durable, so no entry commits on the leader's undurable copy.
     */
    public void replicateBeforePersist(final Transport transport) {
        if (outstanding == null || !mayReplicateEarly || sentEarly) {
            return;
        }
        for (final Message m : outstanding.messages()) {
            send(transport, m);
        }
        sentEarly = true;
    }

    /**
     * Before the batch of {@link #handleReady} is written: the work for the apply side that does not wait for it
     * (committed entries already durable here, with their proposals, and confirmed reads), so that a commit is not
     * answered one fsync of newer entries late. Committed entries of this Ready that are not durable here yet (a
     * follower learning the commit of entries it is appending now) wait for {@link #postPersist}: applied state must
     * never get ahead of the local log. Returns an empty list if there is nothing or after a snapshot.
     */
    public List<ApplyTask> applyBeforePersist() {
        final Ready rd = outstanding;
        if (rd == null || handedEarly || pendingSnapshot != null) {
            return List.of();
        }
        handedEarly = true;
        final List<ApplyTask> tasks = new ArrayList<>(2);
        collectCommitted(rd.committedEntries(), 0, durableBefore, tasks);
        collectReads(rd, tasks);
        return tasks;
    }

    /**
     * After the batch filled by {@link #handleReady} is durable: sends the messages, collects the work for the
     * apply side (committed entries with their proposals, confirmed reads) and advances raft.
     */
    public List<ApplyTask> postPersist(final Transport transport) {
        final Ready rd = outstanding;
        if (rd == null) {
            return List.of();
        }
        outstanding = null;
        if (rd.softState() != null) {
            onRoleChange(rd.softState().lead(), rd.softState().role());
        }
        if (!sentEarly) {
            for (final Message m : rd.messages()) {
                send(transport, m);
            }
        }
        final List<ApplyTask> tasks = new ArrayList<>(2);
        if (pendingSnapshot != null) {
            tasks.add(pendingSnapshot);
            pendingSnapshot = null;
        }
        collectCommitted(rd.committedEntries(), handedEarly ? durableBefore : 0, Long.MAX_VALUE, tasks);
        if (!handedEarly) {
            collectReads(rd, tasks);
        }
        handedEarly = false;
        raft.advance(rd);
        return tasks;
    }

    /** Adds an Apply task for the entries of {@code ents} in ({@code after}, {@code upTo}], with their proposals. */
    private void collectCommitted(final List<Entry> ents, final long after, final long upTo,
                                  final List<ApplyTask> tasks) {
        int from = 0;
        while (from < ents.size() && ents.get(from).getIndex() <= after) {
            from++;
        }
        int to = from;
        while (to < ents.size() && ents.get(to).getIndex() <= upTo) {
            to++;
        }
        if (to == from) {
            return;
        }
        final List<Entry> applied = from == 0 && to == ents.size() ? ents : ents.subList(from, to);
        final long last = applied.get(applied.size() - 1).getIndex();
        tasks.add(new ApplyTask.Apply(regionId, applied, proposals.takeThrough(last)));
    }

    private void collectReads(final Ready rd, final List<ApplyTask> tasks) {
        for (final ReadState rs : rd.readStates()) {
            for (final PendingRead r : reads.take(rs.context())) {
                tasks.add(new ApplyTask.Read(regionId, rs.index(), r.term(), r.request(), r.callback()));
            }
        }
    }

    private void onRoleChange(final long lead, final StateRole newRole) {
        final boolean wasLeader = role == StateRole.LEADER;
        if (newRole != role || lead != leaderId) {
            LOG.info("event=role_change region={} peer={} role={} leader={} term={}", regionId, meta.getId(), newRole,
                    lead, raft.status().hardState().getTerm());
        }
        if (newRole != role) {
            hibernation.wake(false);
        }
        leaderId = lead;
        role = newRole;
        if (!wasLeader && newRole == StateRole.LEADER) {
            matched.clear();
            markForSplitCheck();
            heartbeat();
        }
        if (wasLeader && newRole != StateRole.LEADER) {
            for (final PendingRead r : reads.clear()) {
                r.callback().onDone(RegionErrors.errorResponse(RegionErrors.staleCommand(), r.term()), null);
            }
        }
    }

    private void send(final Transport transport, final Message m) {
        org.tinykv.proto.metapb.Peer to = RegionChecks.findPeerById(region(), m.getTo());
        if (to == null) {
            to = peerCache.get(m.getTo());
        }
        if (to == null) {
            return;
        }
        final Region r = region();
        final RaftMessage msg = RaftMessage.newBuilder().setRegionId(regionId).setFromPeer(meta).setToPeer(to)
                .setRegionEpoch(r.getRegionEpoch()).setStartKey(r.getStartKey()).setEndKey(r.getEndKey())
                .setMessage(m).build();
        if (m.getMsgType() != MessageType.MsgSnapshot) {
            transport.send(msg);
            return;
        }
        final SnapshotFiles files = storage.generatedFiles(m.getSnapshot().getMetadata().getIndex());
        if (files == null) {
            raft.reportSnapshot(m.getTo(), SnapshotStatus.FAILURE);
            return;
        }
        final long toId = m.getTo();
        final BiConsumer<Long, Boolean> sink = snapshotStatusSink;
        transport.sendSnapshot(msg, files, ok -> sink.accept(toId, ok));
    }

    /** Answers every waiting command with {@code error} (the peer is being stopped). */
    public void failAll(final Error error) {
        long term;
        try {
            term = raft.status().hardState().getTerm();
        } catch (final RuntimeException e) {
            term = 0;
        }
        proposals.failAll(error, term);
        for (final PendingRead r : reads.clear()) {
            r.callback().onDone(RegionErrors.errorResponse(error, term), null);
        }
    }

    /** A context-free id for logs. */
    @Override
    public String toString() {
        return "peer " + meta.getId() + " of region " + regionId + " on store " + storeId;
    }
}
