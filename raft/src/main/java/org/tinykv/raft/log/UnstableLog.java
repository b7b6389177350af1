package org.tinykv.raft.log;

import java.util.ArrayList;
import java.util.List;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Snapshot;

/**
 * Entries (and at most one incoming snapshot) that raft has accepted but the caller has not yet persisted.
 * {@code entries.get(i)} has index {@code offset + i}; the snapshot, if any, ends at {@code offset - 1}.
 *
 * <p>Confined to the raft instance's thread.
 */
public final class UnstableLog {
    /** Returned by {@link #maybeTerm} when the term is not known here. */
    public static final long UNKNOWN = -1;

    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long offset;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    /** The pending snapshot, or null. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Index of the first unstable entry slot. */
    public long offset() {
        return offset;
    }

    /** Number of unstable entries. */
    public int size() {
        return entries.size();
    }

    /** The first index if a snapshot is pending, else UNKNOWN. */
    long maybeFirstIndex() {
        return snapshot != null ? snapshot.getMetadata().getIndex() + 1 : UNKNOWN;
    }

    /** The last index known here, else UNKNOWN. */
    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot != null ? snapshot.getMetadata().getIndex() : UNKNOWN;
    }

    /** The term of entry i if known here, else UNKNOWN. */
    long maybeTerm(long i) {
        if (i < offset) {
            if (snapshot != null && snapshot.getMetadata().getIndex() == i) {
                return snapshot.getMetadata().getTerm();
            }
            return UNKNOWN;
        }
        long last = maybeLastIndex();
        if (last == UNKNOWN || i > last) {
            return UNKNOWN;
        }
        return entries.get((int) (i - offset)).getTerm();
    }

    /** Entries up to {@code i} (of term {@code t}) are now persisted; drops them unless since overwritten. */
    void stableTo(long i, long t) {
        long gt = maybeTerm(i);
        if (gt == UNKNOWN || gt != t || i < offset) {
            return;
        }
        entries.subList(0, (int) (i + 1 - offset)).clear();
        offset = i + 1;
    }

    /** The snapshot at {@code i} is now persisted. */
    void stableSnapTo(long i) {
        if (snapshot != null && snapshot.getMetadata().getIndex() == i) {
            snapshot = null;
        }
    }

    /** Replaces everything with an incoming snapshot. */
    void restore(Snapshot s) {
        offset = s.getMetadata().getIndex() + 1;
        entries.clear();
        snapshot = s;
    }

    /** Appends contiguous entries, truncating any existing entries at or after the first new index. */
    void truncateAndAppend(List<Entry> ents) {
        long after = ents.get(0).getIndex();
        if (after == offset + entries.size()) {
            addAll(ents);
        } else if (after <= offset) {
            offset = after;
            entries.clear();
            addAll(ents);
        } else {
            entries.subList((int) (after - offset), entries.size()).clear();
            addAll(ents);
        }
    }

    /** Appends without ArrayList.addAll's intermediate array copy. */
    private void addAll(List<Entry> ents) {
        int n = ents.size();
        entries.ensureCapacity(entries.size() + n);
        for (int i = 0; i < n; i++) {
            entries.add(ents.get(i));
        }
    }

    /** Appends one entry at offset + size(). */
    void appendOne(Entry e) {
        entries.add(e);
    }

    /** A view of entries [lo, hi). Requires: offset &lt;= lo &lt;= hi &lt;= offset + size(). */
    List<Entry> slice(long lo, long hi) {
        if (lo < offset || hi > offset + entries.size() || lo > hi) {
            throw new IllegalStateException("unstable slice [" + lo + ", " + hi + ") out of bounds [" + offset
                    + ", " + (offset + entries.size()) + ")");
        }
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
