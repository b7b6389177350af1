package org.tinykv.multiraft.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.operation.snapshot.GeneratedSnapshot;
import org.tinykv.multiraft.operation.snapshot.SnapManager;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftLocalState;
import org.tinykv.proto.raft_serverpb.RaftSnapshotData;
import org.tinykv.proto.raft_serverpb.RegionLocalState;
import org.tinykv.raft.CompactedException;
import org.tinykv.raft.RaftState;
import org.tinykv.raft.RaftStorage;
import org.tinykv.raft.SnapshotTemporarilyUnavailableException;
import org.tinykv.raft.UnavailableException;
import org.tinykv.wal.CorruptionException;

/**
 * One region's raft log and raft state, kept in the raft engine (see docs/formats/raft-log.md), read by raft
 * through {@link RaftStorage}. Appends are not written directly: {@link #append} and {@link #setHardState} add
 * them to a caller-supplied {@link WriteBatch} so that a worker persists many peers in one synced write.
 *
 * <p>The in-memory view (last index, hard state, entry cache) is updated when the batch is filled; the caller
 * must write the batch before driving raft again, and must discard the peer if that write fails.
 *
 * <p>Snapshots: {@link #snapshot()} asks the store's {@link SnapManager} to generate one off this thread and
 * answers "temporarily unavailable" until it is ready; the generated snapshot is reused while it is not older
 * than the truncated index and was taken at the current conf version. {@link #applySnapshot} installs a received
 * snapshot on the raft side (log and raft state), with a marker telling a restarted store to (re-)apply its data.
 * {@link #compactTo} truncates the log after a CompactLog was applied.
 *
 * <p>Thread-safety: confined to the thread driving the peer (the generated snapshot is handed over through a
 * volatile field).
 */
public final class PeerStorage implements RaftStorage {
    /** Index and term of the log position every bootstrapped region starts at (as TinyKV). */
    public static final long INIT_INDEX = 5;
    /** See {@link #INIT_INDEX}. */
    public static final long INIT_TERM = 5;

    private final long regionId;
    private final Db raftDb;
    private final EntryCache cache = new EntryCache(1024, 4L << 20);
    private volatile Region region;
    private RaftLocalState raftState;
    private long truncatedIndex;
    private long truncatedTerm;
    private final long appliedIndex;
    private final SnapManager snaps;
    private long logBytes;
    private boolean generating;
    private volatile boolean generationDone;
    private volatile GeneratedSnapshot generationResult;
    private GeneratedSnapshot generated;
    private long pendingApplyIndex;
    private SnapshotFiles pendingApplyFiles;

    private PeerStorage(final long regionId, final Db raftDb, final Region region, final RaftLocalState raftState,
                        final RaftApplyState applyState, final SnapManager snaps) {
        this.regionId = regionId;
        this.raftDb = raftDb;
        this.snaps = snaps;
        this.region = region;
        this.raftState = raftState;
        this.truncatedIndex = applyState.getTruncatedState().getIndex();
        this.truncatedTerm = applyState.getTruncatedState().getTerm();
        this.appliedIndex = applyState.getAppliedIndex();
    }

    /**
     * Loads region {@code regionId}'s states from the engines.
     *
     * @throws CorruptionException if a state is missing or unparsable, or the states contradict each other
     */
    public static PeerStorage load(final long regionId, final Db kvDb, final Db raftDb) throws IOException {
        return load(regionId, kvDb, raftDb, null);
    }

    /**
     * Loads region {@code regionId}'s states; {@code snaps} (nullable: no snapshots) generates and stores
     * snapshots.
     *
     * @throws CorruptionException if a state is missing or unparsable, or the states contradict each other
     */
    public static PeerStorage load(final long regionId, final Db kvDb, final Db raftDb, final SnapManager snaps)
            throws IOException {
        final RegionLocalState rs = parse(kvDb.get(Keys.META_CF, Keys.regionStateKey(regionId)), "region state",
                regionId, RegionLocalState.parser());
        final RaftApplyState as = parse(kvDb.get(Keys.META_CF, Keys.applyStateKey(regionId)), "apply state",
                regionId, RaftApplyState.parser());
        final byte[] raw = raftDb.get(Keys.META_CF, Keys.raftStateKey(regionId));
        RaftLocalState ls = raw == null ? null : parse(raw, "raft state", regionId, RaftLocalState.parser());
        if ((ls == null || ls.getLastIndex() == 0) && as.getAppliedIndex() == INIT_INDEX
                && rs.getRegion().getRegionEpoch().getVersion() > 1) {
            ls = splitInitialState(ls); // created by a split: no raft state of its own written yet
        } else if (ls == null) {
            throw new CorruptionException("engine", 0, "region " + regionId + ": raft state missing");
        }
        final long truncated = as.getTruncatedState().getIndex();
        if (ls.getLastIndex() < as.getAppliedIndex() || as.getAppliedIndex() < truncated
                || ls.getHardState().getCommit() > ls.getLastIndex()) {
            throw new CorruptionException("raft-engine", 0, "region " + regionId + " states contradict: raft "
                    + ls + " apply " + as);
        }
        if (ls.getHardState().getCommit() < as.getAppliedIndex()) {
            // commit-only raft states are written unsynced: after a crash the kv engine may have applied further
            ls = ls.toBuilder().setHardState(ls.getHardState().toBuilder().setCommit(as.getAppliedIndex())).build();
        }
        return new PeerStorage(regionId, raftDb, rs.getRegion(), ls, as, snaps);
    }

    /**
     * The raft state a region created by a split starts with (TinyKV's initial index and term), keeping the term
     * and vote of {@code prev}, a raft state left by an uninitialized peer of the region (nullable).
     */
    public static RaftLocalState splitInitialState(final RaftLocalState prev) {
        final org.tinykv.proto.eraftpb.HardState.Builder hs = org.tinykv.proto.eraftpb.HardState.newBuilder()
                .setTerm(INIT_TERM).setCommit(INIT_INDEX);
        if (prev != null && prev.getHardState().getTerm() > INIT_TERM) {
            hs.setTerm(prev.getHardState().getTerm()).setVote(prev.getHardState().getVote());
        }
        return RaftLocalState.newBuilder().setHardState(hs).setLastIndex(INIT_INDEX).setLastTerm(INIT_TERM).build();
    }

    /**
     * A storage for a peer created on demand (no data, no membership; it waits for a snapshot). A raft state
     * left by an earlier uninitialized incarnation is kept (its term and vote must not go back).
     */
    public static PeerStorage createUninitialized(final long regionId, final Db raftDb, final SnapManager snaps)
            throws IOException {
        RaftLocalState ls = RaftLocalState.getDefaultInstance();
        final byte[] old = raftDb.get(Keys.META_CF, Keys.raftStateKey(regionId));
        if (old != null) {
            final RaftLocalState prev = parse(old, "raft state", regionId, RaftLocalState.parser());
            if (prev.getLastIndex() == 0) {
                ls = prev;
            }
        }
        return new PeerStorage(regionId, raftDb, Region.newBuilder().setId(regionId).build(), ls,
                RaftApplyState.getDefaultInstance(), snaps);
    }

    /** True once the region meta is known (bootstrapped, loaded, or received by snapshot). */
    public boolean isInitialized() {
        return region.getPeersCount() > 0;
    }

    /** The index of the last entry folded into a snapshot or truncated away. */
    public long truncatedIndex() {
        return truncatedIndex;
    }

    /** Approximate bytes of the entries kept in the log since this storage was loaded. */
    public long logBytes() {
        return logBytes;
    }

    /** The store's snapshot manager, or null if snapshots are off. */
    public SnapManager snapManager() {
        return snaps;
    }

    private static <T> T parse(final byte[] b, final String what, final long regionId,
                               final com.google.protobuf.Parser<T> parser) throws CorruptionException {
        if (b == null) {
            throw new CorruptionException("engine", 0, "region " + regionId + ": " + what + " missing");
        }
        try {
            return parser.parseFrom(b);
        } catch (final InvalidProtocolBufferException e) {
            throw new CorruptionException("engine", 0, "region " + regionId + ": bad " + what + ": "
                    + e.getMessage());
        }
    }

    /** The region this storage belongs to. */
    public long regionId() {
        return regionId;
    }

    /** The region meta as last set. */
    public Region region() {
        return region;
    }

    /** Replaces the region meta (after a conf change or split is applied). */
    public void setRegion(final Region r) {
        this.region = r;
    }

    /** The applied index persisted at load time (for {@code RaftConfig.applied}). */
    public long appliedIndexAtLoad() {
        return appliedIndex;
    }

    /** The current RaftLocalState (as of the last filled batch). */
    public RaftLocalState raftState() {
        return raftState;
    }

    @Override
    public RaftState initialState() {
        final ConfState.Builder cs = ConfState.newBuilder();
        for (final Peer p : region.getPeersList()) {
            cs.addNodes(p.getId());
        }
        return new RaftState(raftState.getHardState(), cs.build());
    }

    @Override
    public List<Entry> entries(final long lo, final long hi, final long maxSize) {
        if (lo <= truncatedIndex) {
            throw new CompactedException(lo, truncatedIndex + 1);
        }
        if (hi > lastIndex() + 1) {
            throw new UnavailableException(hi, lastIndex());
        }
        final List<Entry> out = new ArrayList<>();
        if (lo >= hi) {
            return out;
        }
        final long cacheFirst = cache.firstIndex();
        if (cacheFirst >= 0 && cacheFirst <= lo) {
            cache.copy(lo, hi, maxSize, out, 0);
            return out;
        }
        final long dbHi = cacheFirst >= 0 ? Math.min(hi, cacheFirst) : hi;
        final long size = readEntries(lo, dbHi, maxSize, out);
        final long next = lo + out.size();
        if (next == dbHi && next < hi) {
            cache.copy(next, hi, maxSize, out, size);
        }
        return out;
    }

    private long readEntries(final long lo, final long dbHi, final long maxSize, final List<Entry> out) {
        long size = 0;
        final ReadOptions ro = ReadOptions.builder().lowerBound(Keys.raftLogKey(regionId, lo))
                .upperBound(Keys.raftLogKey(regionId, dbHi)).build();
        try (DbIterator it = raftDb.newIterator(ro, Keys.META_CF)) {
            long expect = lo;
            for (it.seekToFirst(); it.valid(); it.next()) {
                final Entry e = Entry.parseFrom(it.value());
                if (e.getIndex() != expect || Keys.raftLogIndex(it.key()) != expect) {
                    throw new IllegalStateException("region " + regionId + ": raft log hole, expected index "
                            + expect + " found " + e.getIndex());
                }
                size += e.getSerializedSize();
                if (!out.isEmpty() && size > maxSize) {
                    return size;
                }
                out.add(e);
                expect++;
            }
            if (expect != dbHi) {
                throw new IllegalStateException("region " + regionId + ": raft log entries [" + expect + ", "
                        + dbHi + ") missing");
            }
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException("region " + regionId + ": bad raft log entry", e);
        }
        return size;
    }

    @Override
    public long term(final long i) {
        if (i == truncatedIndex) {
            return truncatedTerm;
        }
        if (i < truncatedIndex) {
            throw new CompactedException(i, truncatedIndex + 1);
        }
        if (i > lastIndex()) {
            throw new UnavailableException(i, lastIndex());
        }
        if (i == raftState.getLastIndex()) {
            return raftState.getLastTerm();
        }
        final Entry cached = cache.get(i);
        if (cached != null) {
            return cached.getTerm();
        }
        try {
            final byte[] v = raftDb.get(Keys.META_CF, Keys.raftLogKey(regionId, i));
            if (v == null) {
                throw new IllegalStateException("region " + regionId + ": raft log entry " + i + " missing");
            }
            return Entry.parseFrom(v).getTerm();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long firstIndex() {
        return truncatedIndex + 1;
    }

    @Override
    public long lastIndex() {
        return raftState.getLastIndex();
    }

    @Override
    public Snapshot snapshot() {
        if (generationDone) {
            generationDone = false;
            generating = false;
            final GeneratedSnapshot g = generationResult;
            generationResult = null;
            if (g != null) {
                if (generated != null && !generated.files().dir().equals(g.files().dir())) {
                    SnapManager.deleteQuietly(generated.files());
                }
                generated = g;
            }
        }
        if (generated != null && generated.index() >= truncatedIndex
                && generated.region().getRegionEpoch().getConfVer() == region.getRegionEpoch().getConfVer()) {
            return generated.snapshot();
        }
        if (snaps != null && !generating) {
            generating = true;
            snaps.requestGeneration(regionId, g -> {
                generationResult = g;
                generationDone = true;
            });
        }
        throw new SnapshotTemporarilyUnavailableException();
    }

    /** The files of the generated snapshot at {@code index}, or null if it is not the current one. */
    public SnapshotFiles generatedFiles(final long index) {
        return generated != null && generated.index() == index ? generated.files() : null;
    }

    /**
     * Installs a received snapshot on the raft side: adds to {@code raftWb} the deletion of the whole log, the
     * new RaftLocalState (last index = snapshot index) and the apply marker; the caller then applies its data
     * through the apply side. Returns the files to apply.
     */
    public SnapshotFiles applySnapshot(final Snapshot snap, final WriteBatch raftWb) throws CorruptionException {
        final RaftSnapshotData data = SnapManager.parseData(snap);
        final long index = snap.getMetadata().getIndex();
        final long term = snap.getMetadata().getTerm();
        raftWb.deleteRange(Keys.META_CF, Keys.raftLogMinKey(regionId), Keys.raftLogMaxKey(regionId));
        raftWb.put(Keys.META_CF, Keys.snapshotApplyKey(regionId), snap.toByteArray());
        final HardState hs = raftState.getHardState();
        raftState = raftState.toBuilder().setLastIndex(index).setLastTerm(term)
                .setHardState(hs.toBuilder().setCommit(Math.max(hs.getCommit(), index))).build();
        truncatedIndex = index;
        truncatedTerm = term;
        cache.clear();
        logBytes = 0;
        region = data.getRegion();
        pendingApplyIndex = index;
        pendingApplyFiles = snaps.receivedFiles(regionId, snap);
        return pendingApplyFiles;
    }

    /** The apply side installed the snapshot at {@code index}: drops the marker and the received files. */
    public void finishSnapshotApply(final long index) throws IOException {
        if (pendingApplyIndex != index) {
            return;
        }
        raftDb.write(new WriteBatch().delete(Keys.META_CF, Keys.snapshotApplyKey(regionId)), WriteOptions.NO_SYNC);
        SnapManager.deleteQuietly(pendingApplyFiles);
        pendingApplyIndex = 0;
        pendingApplyFiles = null;
    }

    /**
     * Deletes entries up to {@code index} (a CompactLog was applied and its apply state written, synced) with a
     * range delete outside the synced append path, and advances the first index. Ignored if already truncated.
     */
    public void compactTo(final long index, final long term) throws IOException {
        if (index <= truncatedIndex || index > lastIndex()) {
            return;
        }
        final long kept = lastIndex() - truncatedIndex;
        // from index 0: also drops entries a crash resurrected below the truncated index
        raftDb.write(new WriteBatch().deleteRange(Keys.META_CF, Keys.raftLogMinKey(regionId),
                Keys.raftLogKey(regionId, index + 1)), WriteOptions.NO_SYNC);
        if (kept > 0) {
            logBytes = logBytes * (lastIndex() - index) / kept;
        }
        truncatedIndex = index;
        truncatedTerm = term;
        cache.compactTo(index);
    }

    /**
     * Deletes a region's raft log, raft state and apply marker from the raft engine, unsynced: a store restarted
     * after a crash repeats it for every tombstoned region whose raft state is still there.
     */
    public static void clearRaftData(final Db raftDb, final long regionId) throws IOException {
        raftDb.write(new WriteBatch().deleteRange(Keys.META_CF, Keys.raftLogMinKey(regionId),
                Keys.raftLogMaxKey(regionId)).delete(Keys.META_CF, Keys.raftStateKey(regionId))
                .delete(Keys.META_CF, Keys.snapshotApplyKey(regionId)), WriteOptions.NO_SYNC);
    }

    /** Removes the region's raft log, raft state and apply marker from the raft engine (the peer is destroyed). */
    public void destroy() throws IOException {
        clearRaftData(raftDb, regionId);
        cache.clear();
        if (generated != null) {
            SnapManager.deleteQuietly(generated.files());
            generated = null;
        }
    }

    /**
     * Adds {@code entries} (consecutive, non-empty or empty) to {@code wb}, deleting any persisted entries after
     * the last one (a conflicting suffix), and updates the in-memory last index and term.
     */
    public void append(final List<Entry> entries, final WriteBatch wb) {
        if (entries.isEmpty()) {
            return;
        }
        final Entry first = entries.get(0);
        final Entry last = entries.get(entries.size() - 1);
        if (first.getIndex() <= truncatedIndex || first.getIndex() > lastIndex() + 1) {
            throw new IllegalStateException("region " + regionId + ": append at " + first.getIndex()
                    + " outside (" + truncatedIndex + ", " + (lastIndex() + 1) + "]");
        }
        for (final Entry e : entries) {
            final byte[] v = e.toByteArray();
            wb.put(Keys.META_CF, Keys.raftLogKey(regionId, e.getIndex()), v);
            logBytes += v.length;
        }
        final long oldLast = lastIndex();
        if (last.getIndex() < oldLast) {
            wb.deleteRange(Keys.META_CF, Keys.raftLogKey(regionId, last.getIndex() + 1),
                    Keys.raftLogKey(regionId, oldLast + 1));
        }
        cache.append(entries);
        raftState = raftState.toBuilder().setLastIndex(last.getIndex()).setLastTerm(last.getTerm()).build();
    }

    /** Records a new hard state (the RaftLocalState is written by {@link #writeRaftState}). */
    public void setHardState(final HardState hs) {
        raftState = raftState.toBuilder().setHardState(hs).build();
    }

    /** Adds the current RaftLocalState to {@code wb}. */
    public void writeRaftState(final WriteBatch wb) {
        wb.put(Keys.META_CF, Keys.raftStateKey(regionId), raftState.toByteArray());
    }

    /** The cached tail (tests). */
    List<Entry> cachedEntries() {
        return cache.snapshot();
    }
}
