package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.eraftpb.SnapshotMetadata;

/**
 * A {@link RaftStorage} kept in memory, for tests, simulations and benchmarks. The caller writes to it what each
 * {@link Ready} asks to persist ({@link #applySnapshot}, {@link #append}, {@link #setHardState}) and compacts it
 * ({@link #createSnapshot}, {@link #compact}).
 *
 * <p>Thread-safety: not synchronized; confined to the thread that drives the raft node.
 */
public final class MemoryRaftStorage implements RaftStorage {
    private HardState hardState = HardState.getDefaultInstance();
    private Snapshot snapshot = Snapshot.getDefaultInstance();
    /** entries.get(0) is a dummy holding the snapshot index and term. */
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** Creates an empty storage: no membership, no entries. */
    public MemoryRaftStorage() {
        entries.add(Entry.getDefaultInstance());
    }

    /** Creates an empty storage whose initial membership is the given voters. */
    public static MemoryRaftStorage withVoters(long... voters) {
        MemoryRaftStorage s = new MemoryRaftStorage();
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addNodes(v);
        }
        s.snapshot = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setConfState(cs)).build();
        return s;
    }

    @Override
    public RaftState initialState() {
        return new RaftState(hardState, snapshot.getMetadata().getConfState());
    }

    /** Persists the hard state. */
    public void setHardState(HardState hs) {
        this.hardState = hs;
    }

    /** The last persisted hard state. */
    public HardState hardState() {
        return hardState;
    }

    private long offset() {
        return entries.get(0).getIndex();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxSize) {
        long offset = offset();
        if (lo <= offset) {
            throw new CompactedException(lo, offset + 1);
        }
        if (hi > lastIndex() + 1) {
            throw new UnavailableException(hi - 1, lastIndex());
        }
        if (lo >= hi) {
            return List.of();
        }
        List<Entry> view = entries.subList((int) (lo - offset), (int) (hi - offset));
        return EntryLists.copyOf(EntryLists.limitSize(view, maxSize));
    }

    @Override
    public long term(long i) {
        long offset = offset();
        if (i < offset) {
            throw new CompactedException(i, offset + 1);
        }
        if (i - offset >= entries.size()) {
            throw new UnavailableException(i, lastIndex());
        }
        return entries.get((int) (i - offset)).getTerm();
    }

    @Override
    public long firstIndex() {
        return offset() + 1;
    }

    @Override
    public long lastIndex() {
        return offset() + entries.size() - 1;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Replaces the whole log with a snapshot received from the leader. Throws IllegalArgumentException if it is
     * older than the current snapshot.
     */
    public void applySnapshot(Snapshot snap) {
        long index = snap.getMetadata().getIndex();
        if (index <= snapshot.getMetadata().getIndex()) {
            throw new IllegalArgumentException("snapshot at " + index + " is out of date (have "
                    + snapshot.getMetadata().getIndex() + ")");
        }
        snapshot = snap;
        entries.clear();
        entries.add(Entry.newBuilder().setIndex(index).setTerm(snap.getMetadata().getTerm()).build());
    }

    /**
     * Records a snapshot of the applied state at index {@code i} (which must be in the log and newer than the
     * current snapshot) and returns it. Does not compact; see {@link #compact}.
     */
    public Snapshot createSnapshot(long i, ConfState cs, ByteString data) {
        if (i <= snapshot.getMetadata().getIndex()) {
            throw new IllegalArgumentException("snapshot index " + i + " is out of date");
        }
        if (i > lastIndex()) {
            throw new IllegalArgumentException("snapshot index " + i + " is beyond last index " + lastIndex());
        }
        snapshot = Snapshot.newBuilder().setData(data).setMetadata(SnapshotMetadata.newBuilder()
                .setIndex(i).setTerm(term(i)).setConfState(cs)).build();
        return snapshot;
    }

    /**
     * Discards entries up to and including {@code compactIndex}; a no-op if they are already discarded. Requires:
     * compactIndex &lt;= lastIndex() and the caller has a snapshot covering it.
     */
    public void compact(long compactIndex) {
        long offset = offset();
        if (compactIndex <= offset) {
            return;
        }
        if (compactIndex > lastIndex()) {
            throw new IllegalArgumentException("compact index " + compactIndex + " is beyond last index "
                    + lastIndex());
        }
        int cut = (int) (compactIndex - offset);
        Entry head = entries.get(cut);
        entries.subList(0, cut + 1).clear();
        entries.add(0, Entry.newBuilder().setIndex(head.getIndex()).setTerm(head.getTerm()).build());
    }

    /**
     * Appends entries (contiguous, ascending), first truncating any existing entries at or after the first new
     * index. Entries already compacted are skipped. Throws IllegalArgumentException on a gap.
     */
    public void append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long firstNew = ents.get(0).getIndex();
        long lastNew = firstNew + ents.size() - 1;
        if (lastNew < first) {
            return;
        }
        if (firstNew < first) {
            ents = ents.subList((int) (first - firstNew), ents.size());
            firstNew = first;
        }
        long pos = firstNew - offset();
        if (pos > entries.size()) {
            throw new IllegalArgumentException("missing log entries: last " + lastIndex() + ", appending "
                    + firstNew);
        }
        if (pos < entries.size()) {
            entries.subList((int) pos, entries.size()).clear();
        }
        int n = ents.size();
        entries.ensureCapacity(entries.size() + n);
        for (int i = 0; i < n; i++) {  // not addAll: it copies the list into an array first
            entries.add(ents.get(i));
        }
    }
}
