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
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftLocalState;
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
 * <p>Thread-safety: confined to the thread driving the peer.
 */
public final class PeerStorage implements RaftStorage {
    /** Index and term of the log position every bootstrapped region starts at (as TinyKV). */
    public static final long INIT_INDEX = 5;
    /** See {@link #INIT_INDEX}. */
    public static final long INIT_TERM = 5;

    private final long regionId;
    private final Db raftDb;
    private final EntryCache cache = new EntryCache(1024, 4L << 20);
    private Region region;
    private RaftLocalState raftState;
    private final long truncatedIndex;
    private final long truncatedTerm;
    private final long appliedIndex;

    private PeerStorage(final long regionId, final Db raftDb, final Region region, final RaftLocalState raftState,
                        final RaftApplyState applyState) {
        this.regionId = regionId;
        this.raftDb = raftDb;
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
        final RegionLocalState rs = parse(kvDb.get(Keys.META_CF, Keys.regionStateKey(regionId)), "region state",
                regionId, RegionLocalState.parser());
        final RaftApplyState as = parse(kvDb.get(Keys.META_CF, Keys.applyStateKey(regionId)), "apply state",
                regionId, RaftApplyState.parser());
        final RaftLocalState ls = parse(raftDb.get(Keys.META_CF, Keys.raftStateKey(regionId)), "raft state",
                regionId, RaftLocalState.parser());
        final long truncated = as.getTruncatedState().getIndex();
        if (ls.getLastIndex() < as.getAppliedIndex() || as.getAppliedIndex() < truncated
                || ls.getHardState().getCommit() > ls.getLastIndex()) {
            throw new CorruptionException("raft-engine", 0, "region " + regionId + " states contradict: raft "
                    + ls + " apply " + as);
        }
        return new PeerStorage(regionId, raftDb, rs.getRegion(), ls, as);
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
        throw new SnapshotTemporarilyUnavailableException();
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
            wb.put(Keys.META_CF, Keys.raftLogKey(regionId, e.getIndex()), e.toByteArray());
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
