package org.tinykv.multiraft.peer;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.multiraft.operation.compactlog.CompactLog;
import org.tinykv.multiraft.operation.confchange.ChangePeer;
import org.tinykv.multiraft.operation.snapshot.SnapManager;
import org.tinykv.multiraft.operation.split.Split;
import org.tinykv.multiraft.operation.snapshot.SnapshotApplier;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.EntryType;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminRequest;
import org.tinykv.proto.raft_cmdpb.AdminResponse;
import org.tinykv.proto.raft_cmdpb.ChangePeerResponse;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.CompactLogResponse;
import org.tinykv.proto.raft_cmdpb.DeleteResponse;
import org.tinykv.proto.raft_cmdpb.GetResponse;
import org.tinykv.proto.raft_cmdpb.PutResponse;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftResponseHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.proto.raft_cmdpb.Response;
import org.tinykv.proto.raft_cmdpb.SnapResponse;
import org.tinykv.proto.raft_cmdpb.SplitResponse;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftTruncatedState;
import org.tinykv.proto.raft_serverpb.RegionLocalState;

/**
 * Applies one region's committed entries to the kv engine, in order, writing the new {@link RaftApplyState} in
 * the same batch as the data; answers the matching proposals (StaleCommand for proposals whose index was taken by
 * another entry) and serves ReadIndex reads once their index is applied. Admin commands: CompactLog moves the
 * truncated state; ChangePeer (a conf change entry) rewrites the region meta in the same batch, and if it removes
 * this peer, deletes the region's data and writes its tombstone (synced) and the delegate stops. Received
 * snapshots are installed in order with the entries ({@link SnapshotApplier}).
 *
 * <p>Thread-safety: confined to the apply worker's thread.
 */
public final class ApplyDelegate {
    private final long regionId;
    private final long peerId;
    private boolean destroyed;
    private Region region;
    private RaftApplyState applyState;
    private long appliedTerm;
    private final ArrayDeque<ApplyTask.Read> pendingReads = new ArrayDeque<>();
    private LocalReads localReads;

    /** A delegate starting from the persisted {@code applyState}. */
    public ApplyDelegate(final Region region, final RaftApplyState applyState) {
        this(region, applyState, 0);
    }

    /** The delegate of peer {@code peerId}, starting from the persisted {@code applyState}. */
    public ApplyDelegate(final Region region, final RaftApplyState applyState, final long peerId) {
        this.peerId = peerId;
        this.regionId = region.getId();
        this.region = region;
        this.applyState = applyState;
    }

    /** From now on, tells {@code reads} after every written batch what is applied (the store's apply worker). */
    public void publishTo(final LocalReads reads) {
        this.localReads = reads;
        publishApplied();
    }

    private void publishApplied() {
        localReads.applied(applyState.getAppliedIndex(), destroyed ? null : region);
    }

    /** The region id. */
    public long regionId() {
        return regionId;
    }

    /** The applied index (possibly not yet written). */
    public long appliedIndex() {
        return applyState.getAppliedIndex();
    }

    /** Handles one task; reads wait until {@link #serveReads} after the batch is written. */
    public void handle(final ApplyTask task, final ApplyContext ctx) throws IOException {
        if (destroyed) {
            final Error gone = RegionErrors.regionNotFound(regionId);
            if (task instanceof ApplyTask.Apply a) {
                for (final Proposal p : a.proposals()) {
                    ctx.afterWrite(() -> p.callback().onDone(RegionErrors.errorResponse(gone, p.term()), null));
                }
            } else if (task instanceof ApplyTask.Read r) {
                r.callback().onDone(RegionErrors.errorResponse(gone, r.term()), null);
            }
            return;
        }
        if (task instanceof ApplyTask.Apply a) {
            applyEntries(a, ctx);
        } else if (task instanceof ApplyTask.Read r) {
            pendingReads.addLast(r);
        } else if (task instanceof ApplyTask.ApplySnapshot s) {
            applySnapshot(s, ctx);
        } else if (task instanceof ApplyTask.Destroy d) {
            destroySelf(region.toBuilder().setRegionEpoch(d.epoch()).build(), ctx);
            ctx.report(new ApplyResult.ConfChanged(regionId, null, region, true), true);
        }
    }

    /** Deletes the region's data and apply state and writes the tombstone carrying {@code tombstone}. */
    private void destroySelf(final Region tombstone, final ApplyContext ctx) {
        final WriteBatch wb = ctx.writeBatch();
        SnapshotApplier.clearRange(wb, region);
        wb.delete(Keys.META_CF, Keys.applyStateKey(regionId));
        wb.put(Keys.META_CF, Keys.regionStateKey(regionId), RegionLocalState.newBuilder()
                .setState(PeerState.Tombstone).setRegion(tombstone).build().toByteArray());
        destroyed = true;
        region = tombstone;
        failReads(RegionErrors.regionNotFound(regionId));
    }

    /** True once this peer was removed from the region and its data deleted. */
    public boolean destroyed() {
        return destroyed;
    }

    private void applySnapshot(final ApplyTask.ApplySnapshot task, final ApplyContext ctx) throws IOException {
        final long index = task.snapshot().getMetadata().getIndex();
        if (index <= applyState.getAppliedIndex()) {
            ctx.report(new ApplyResult.SnapshotApplied(regionId, index), false);
            return;
        }
        ctx.flush();
        applyState = SnapshotApplier.apply(ctx.kvDb(), task.files(), task.snapshot(), region);
        region = SnapManager.parseData(task.snapshot()).getRegion();
        appliedTerm = task.snapshot().getMetadata().getTerm();
        ctx.report(new ApplyResult.SnapshotApplied(regionId, index), false);
    }

    private void applyEntries(final ApplyTask.Apply task, final ApplyContext ctx) throws IOException {
        final ArrayDeque<Proposal> proposals = new ArrayDeque<>(task.proposals());
        for (final Entry e : task.entries()) {
            if (e.getIndex() <= applyState.getAppliedIndex()) {
                while (!proposals.isEmpty() && proposals.peekFirst().index() <= e.getIndex()) {
                    final Proposal p = proposals.pollFirst();
                    ctx.afterWrite(() -> p.callback().onDone(RegionErrors.errorResponse(
                            RegionErrors.outcomeUnknown("entry already applied"), p.term()), null));
                }
                continue;
            }
            if (e.getIndex() != applyState.getAppliedIndex() + 1) {
                throw new IllegalStateException("region " + regionId + ": apply gap, applied "
                        + applyState.getAppliedIndex() + " next entry " + e.getIndex());
            }
            final Proposal mine = matchProposal(proposals, e, ctx);
            final Result r = applyEntry(e, ctx);
            applyState = applyState.toBuilder().setAppliedIndex(e.getIndex()).build();
            appliedTerm = e.getTerm();
            if (!destroyed) {
                ctx.markDirty(this);
            }
            if (mine != null) {
                final Result res = r;
                ctx.afterWrite(() -> mine.callback().onDone(res.response(), res.snapshot()));
            } else if (r.snapshot() != null) {
                r.snapshot().close();
            }
            if (destroyed) {
                break;
            }
        }
        // proposals not matched: their entries were skipped (already applied) or come after this peer's removal
        final Error leftover = destroyed ? RegionErrors.regionNotFound(regionId)
                : RegionErrors.outcomeUnknown("entry already applied");
        for (final Proposal p : proposals) {
            ctx.afterWrite(() -> p.callback().onDone(RegionErrors.errorResponse(leftover, appliedTerm), null));
        }
    }

    private Proposal matchProposal(final ArrayDeque<Proposal> proposals, final Entry e, final ApplyContext ctx) {
        while (!proposals.isEmpty() && proposals.peekFirst().index() <= e.getIndex()) {
            final Proposal p = proposals.pollFirst();
            if (p.index() == e.getIndex() && p.term() == e.getTerm()) {
                return p;
            }
            final long term = e.getTerm();
            ctx.afterWrite(() -> p.callback().onDone(RegionErrors.errorResponse(RegionErrors.staleCommand(), term),
                    null));
        }
        return null;
    }

    /** The outcome of one command: its response and, for a Snap, the snapshot (owned by whoever takes it). */
    public record Result(RaftCmdResponse response, RegionSnapshot snapshot) {
    }

    private static final Result EMPTY = new Result(RaftCmdResponse.getDefaultInstance(), null);

    private Result applyEntry(final Entry e, final ApplyContext ctx) throws IOException {
        if (e.getEntryType() == EntryType.EntryConfChange) {
            return applyConfChange(e, ctx);
        }
        if (e.getEntryType() != EntryType.EntryNormal || e.getData().isEmpty()) {
            return EMPTY;
        }
        final RaftCmdRequest req;
        try {
            req = RaftCmdRequest.parseFrom(e.getData());
        } catch (final InvalidProtocolBufferException ex) {
            throw new IllegalStateException("region " + regionId + ": unparsable command at index " + e.getIndex(),
                    ex);
        }
        if (req.hasAdminRequest()) {
            if (req.getAdminRequest().getCmdType() == AdminCmdType.CompactLog) {
                return applyCompactLog(req.getAdminRequest(), e.getTerm(), ctx);
            }
            if (req.getAdminRequest().getCmdType() == AdminCmdType.Split) {
                return applySplit(req, e.getTerm(), ctx);
            }
            return new Result(RegionErrors.errorResponse(RegionErrors.other("admin command "
                    + req.getAdminRequest().getCmdType() + " is not supported"), e.getTerm()), null);
        }
        return execute(req, e.getTerm(), ctx, true);
    }

    private Result applyCompactLog(final AdminRequest admin, final long term, final ApplyContext ctx) {
        final long index = admin.getCompactLog().getCompactIndex();
        final RaftApplyState next = CompactLog.apply(applyState, index, admin.getCompactLog().getCompactTerm());
        if (next != null) {
            applyState = next;
            ctx.report(new ApplyResult.CompactLog(regionId, index, admin.getCompactLog().getCompactTerm()), true);
        }
        return new Result(RaftCmdResponse.newBuilder().setHeader(RaftResponseHeader.newBuilder().setCurrentTerm(term))
                .setAdminResponse(AdminResponse.newBuilder().setCmdType(AdminCmdType.CompactLog)
                        .setCompactLog(CompactLogResponse.getDefaultInstance())).build(), null);
    }

    /**
     * Splits the region: both RegionLocalStates and the new region's initial apply state go into this batch
     * (with this region's apply state), written synced before the raft side creates the new peer.
     */
    private Result applySplit(final RaftCmdRequest req, final long term, final ApplyContext ctx) {
        final Error err = Split.check(req, region);
        if (err != null) {
            return new Result(RegionErrors.errorResponse(err, term), null);
        }
        final Split.Regions r = Split.apply(region, req.getAdminRequest().getSplit());
        final WriteBatch wb = ctx.writeBatch();
        wb.put(Keys.META_CF, Keys.regionStateKey(regionId), RegionLocalState.newBuilder()
                .setState(PeerState.Normal).setRegion(r.left()).build().toByteArray());
        final long newId = r.right().getId();
        wb.put(Keys.META_CF, Keys.regionStateKey(newId), RegionLocalState.newBuilder()
                .setState(PeerState.Normal).setRegion(r.right()).build().toByteArray());
        wb.put(Keys.META_CF, Keys.applyStateKey(newId), RaftApplyState.newBuilder()
                .setAppliedIndex(PeerStorage.INIT_INDEX).setTruncatedState(RaftTruncatedState.newBuilder()
                        .setIndex(PeerStorage.INIT_INDEX).setTerm(PeerStorage.INIT_TERM)).build().toByteArray());
        region = r.left();
        ctx.report(new ApplyResult.Split(regionId, r.left(), r.right()), true);
        return new Result(RaftCmdResponse.newBuilder().setHeader(RaftResponseHeader.newBuilder().setCurrentTerm(term))
                .setAdminResponse(AdminResponse.newBuilder().setCmdType(AdminCmdType.Split)
                        .setSplit(SplitResponse.newBuilder().addRegions(r.left()).addRegions(r.right()))).build(),
                null);
    }

    private Result applyConfChange(final Entry e, final ApplyContext ctx) throws IOException {
        final ConfChange cc;
        try {
            cc = ConfChange.parseFrom(e.getData());
        } catch (final InvalidProtocolBufferException ex) {
            throw new IllegalStateException("region " + regionId + ": unparsable conf change at " + e.getIndex(), ex);
        }
        if (cc.getContext().isEmpty()) {
            return EMPTY;
        }
        final RaftCmdRequest req = ChangePeer.commandOf(cc);
        final Error err = RegionChecks.checkRegionEpoch(req, region, true);
        if (err != null) {
            return new Result(RegionErrors.errorResponse(err, e.getTerm()), null);
        }
        final Region next = ChangePeer.apply(region, req.getAdminRequest().getChangePeer());
        final RaftCmdResponse.Builder resp = RaftCmdResponse.newBuilder()
                .setHeader(RaftResponseHeader.newBuilder().setCurrentTerm(e.getTerm()));
        if (next == null) {
            return new Result(resp.setAdminResponse(AdminResponse.newBuilder().setCmdType(AdminCmdType.ChangePeer)
                    .setChangePeer(ChangePeerResponse.newBuilder().setRegion(region))).build(), null);
        }
        final boolean removedSelf = RegionChecks.findPeerById(next, peerId) == null;
        final WriteBatch wb = ctx.writeBatch();
        if (removedSelf) {
            destroySelf(next, ctx);
        } else {
            wb.put(Keys.META_CF, Keys.regionStateKey(regionId), RegionLocalState.newBuilder()
                    .setState(PeerState.Normal).setRegion(next).build().toByteArray());
        }
        region = next;
        ctx.report(new ApplyResult.ConfChanged(regionId, cc, next, removedSelf), removedSelf);
        return new Result(resp.setAdminResponse(AdminResponse.newBuilder().setCmdType(AdminCmdType.ChangePeer)
                .setChangePeer(ChangePeerResponse.newBuilder().setRegion(next))).build(), null);
    }

    /**
     * Runs the requests of {@code req} against the engine: writes go into the context's batch, reads first flush
     * it. Validation (epoch, keys, column families) fails the whole command before anything is written.
     */
    private Result execute(final RaftCmdRequest req, final long term, final ApplyContext ctx,
                           final boolean allowWrites) throws IOException {
        final Error err = validate(req, allowWrites);
        if (err != null) {
            return new Result(RegionErrors.errorResponse(err, term), null);
        }
        final RaftCmdResponse.Builder resp = RaftCmdResponse.newBuilder()
                .setHeader(RaftResponseHeader.newBuilder().setCurrentTerm(term));
        final WriteBatch wb = ctx.writeBatch();
        RegionSnapshot snap = null;
        for (final Request r : req.getRequestsList()) {
            switch (r.getCmdType()) {
                case Put -> {
                    wb.put(cfOf(r.getPut().getCf()), Keys.dataKey(r.getPut().getKey().toByteArray()),
                            r.getPut().getValue().toByteArray());
                    resp.addResponses(Response.newBuilder().setCmdType(CmdType.Put)
                            .setPut(PutResponse.getDefaultInstance()));
                }
                case Delete -> {
                    wb.delete(cfOf(r.getDelete().getCf()), Keys.dataKey(r.getDelete().getKey().toByteArray()));
                    resp.addResponses(Response.newBuilder().setCmdType(CmdType.Delete)
                            .setDelete(DeleteResponse.getDefaultInstance()));
                }
                case Get -> {
                    ctx.flush();
                    resp.addResponses(getResponse(ctx.kvDb(), r));
                }
                case Snap -> {
                    ctx.flush();
                    if (snap == null) {
                        snap = new RegionSnapshot(ctx.kvDb(), ctx.kvDb().getSnapshot(), region);
                    }
                    resp.addResponses(snapResponse(region));
                }
                default -> throw new IllegalStateException("validated command type " + r.getCmdType());
            }
        }
        return new Result(resp.build(), snap);
    }

    /**
     * The answer to a validated read-only command (Get and Snap) from {@code kv} as it is now, for {@code region}:
     * a leader's local read ({@link LocalReads}), which holds no apply context.
     */
    static Result read(final RaftCmdRequest req, final long term, final Region region, final Db kv)
            throws IOException {
        final RaftCmdResponse.Builder resp = RaftCmdResponse.newBuilder()
                .setHeader(RaftResponseHeader.newBuilder().setCurrentTerm(term));
        RegionSnapshot snap = null;
        for (final Request r : req.getRequestsList()) {
            if (r.getCmdType() == CmdType.Get) {
                resp.addResponses(getResponse(kv, r));
            } else {
                if (snap == null) {
                    snap = new RegionSnapshot(kv, kv.getSnapshot(), region);
                }
                resp.addResponses(snapResponse(region));
            }
        }
        return new Result(resp.build(), snap);
    }

    private static Response.Builder getResponse(final Db kv, final Request r) throws IOException {
        final byte[] v = kv.get(cfOf(r.getGet().getCf()), Keys.dataKey(r.getGet().getKey().toByteArray()));
        final GetResponse.Builder g = GetResponse.newBuilder();
        if (v != null) {
            g.setValue(ByteString.copyFrom(v));
        }
        return Response.newBuilder().setCmdType(CmdType.Get).setGet(g);
    }

    private static Response.Builder snapResponse(final Region region) {
        return Response.newBuilder().setCmdType(CmdType.Snap).setSnap(SnapResponse.newBuilder().setRegion(region));
    }

    private Error validate(final RaftCmdRequest req, final boolean allowWrites) {
        final Error epochErr = RegionChecks.checkRegionEpoch(req, region, true);
        if (epochErr != null) {
            return epochErr;
        }
        for (final Request r : req.getRequestsList()) {
            final Error e = validateRequest(r, allowWrites);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Checks one request's type, column family and key; null if fine. */
    static Error validateRequest(final Request r, final boolean allowWrites, final Region region) {
        final String cf;
        final ByteString key;
        switch (r.getCmdType()) {
            case Get -> {
                cf = r.getGet().getCf();
                key = r.getGet().getKey();
            }
            case Put -> {
                cf = r.getPut().getCf();
                key = r.getPut().getKey();
            }
            case Delete -> {
                cf = r.getDelete().getCf();
                key = r.getDelete().getKey();
            }
            case Snap -> {
                return null;
            }
            default -> {
                return RegionErrors.other("invalid command type " + r.getCmdType());
            }
        }
        if (!allowWrites && r.getCmdType() != CmdType.Get) {
            return RegionErrors.other("write request " + r.getCmdType() + " in a read-only command");
        }
        if (cfOf(cf) == null) {
            return RegionErrors.other("unknown column family '" + cf + "'");
        }
        return RegionChecks.checkKeyInRegion(key.toByteArray(), region);
    }

    private Error validateRequest(final Request r, final boolean allowWrites) {
        return validateRequest(r, allowWrites, region);
    }

    /** The data column family named {@code name} ("" = default), or null if unknown or not a data family. */
    static Cf cfOf(final String name) {
        if (name.isEmpty()) {
            return Cf.DEFAULT;
        }
        final Cf cf = Cf.fromName(name);
        return cf == Keys.META_CF ? null : cf;
    }

    /**
     * Serves the pending reads whose read index is applied and written. Requires: the context's batch was
     * flushed since the last apply.
     */
    public void serveReads(final ApplyContext ctx) throws IOException {
        final Iterator<ApplyTask.Read> it = pendingReads.iterator();
        while (it.hasNext()) {
            final ApplyTask.Read r = it.next();
            if (r.readIndex() > applyState.getAppliedIndex()) {
                break;
            }
            it.remove();
            final Result res = execute(r.request(), r.term(), ctx, false);
            r.callback().onDone(res.response(), res.snapshot());
        }
        if (localReads != null) {
            publishApplied();
        }
    }

    /** True if reads wait for a later index. */
    public boolean hasPendingReads() {
        return !pendingReads.isEmpty();
    }

    /** Adds the apply state to {@code wb}. */
    void writeApplyState(final WriteBatch wb) {
        if (destroyed) {
            return;
        }
        wb.put(Keys.META_CF, Keys.applyStateKey(regionId), applyState.toByteArray());
    }

    /** Answers every pending read with {@code error} (the region is going away or the store stops). */
    public void failReads(final Error error) {
        for (final ApplyTask.Read r : pendingReads) {
            r.callback().onDone(RegionErrors.errorResponse(error, r.term()), null);
        }
        pendingReads.clear();
    }

    /** The region as the apply side knows it. */
    public Region region() {
        return region;
    }
}
