package org.tinykv.raft.log;

import java.util.ArrayList;
import java.util.List;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.raft.CompactedException;
import org.tinykv.raft.EntryLists;
import org.tinykv.raft.RaftStorage;
import org.tinykv.raft.UnavailableException;

/**
 * The log of one raft instance: persisted entries in {@link RaftStorage} followed by {@link UnstableLog} entries,
 * plus the commit index (known to be replicated on a quorum) and the applied index (handed to the caller).
 * Invariant: {@code applied <= committed <= lastIndex()}.
 *
 * <p>Lists returned by this class are copies that never change, except {@link #entriesView}. Confined to the
 * raft instance's thread.
 */
public final class RaftLog {
    private final RaftStorage storage;
    private final UnstableLog unstable;
    private final long maxNextEntsSize;
    private long committed;
    private long applied;

    /** Opens the log over {@code storage}; committed and applied start at the storage's snapshot index. */
    public RaftLog(RaftStorage storage, long maxNextEntsSize) {
        this.storage = storage;
        this.maxNextEntsSize = maxNextEntsSize;
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        this.unstable = new UnstableLog(last + 1);
        this.committed = first - 1;
        this.applied = first - 1;
    }

    public long committed() {
        return committed;
    }

    public long applied() {
        return applied;
    }

    public UnstableLog unstable() {
        return unstable;
    }

    public long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i != UnstableLog.UNKNOWN ? i : storage.firstIndex();
    }

    public long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i != UnstableLog.UNKNOWN ? i : storage.lastIndex();
    }

    /**
     * The term of entry {@code i}. Throws {@link CompactedException} if {@code i < firstIndex() - 1} and
     * {@link UnavailableException} if {@code i > lastIndex()}.
     */
    public long term(long i) {
        long dummy = firstIndex() - 1;
        if (i < dummy) {
            throw new CompactedException(i, dummy + 1);
        }
        long last = lastIndex();
        if (i > last) {
            throw new UnavailableException(i, last);
        }
        long t = unstable.maybeTerm(i);
        return t != UnstableLog.UNKNOWN ? t : storage.term(i);
    }

    /** The term of entry {@code i}, or 0 if it is compacted or beyond the last index. */
    public long termOrZero(long i) {
        if (i < firstIndex() - 1 || i > lastIndex()) {
            return 0;  // checked here: no exception on the follower's per-entry path
        }
        long t = unstable.maybeTerm(i);
        if (t != UnstableLog.UNKNOWN) {
            return t;
        }
        try {
            return storage.term(i);
        } catch (CompactedException | UnavailableException e) {
            return 0;
        }
    }

    public long lastTerm() {
        return term(lastIndex());
    }

    /** True if entry {@code i} exists with term {@code t}. */
    public boolean matchTerm(long i, long t) {
        return termOrZero(i) == t;
    }

    /** True if a log ending at ({@code lasti}, {@code t}) is at least as up to date as this one (§5.4.1). */
    public boolean isUpToDate(long lasti, long t) {
        long lt = lastTerm();
        return t > lt || (t == lt && lasti >= lastIndex());
    }

    /**
     * Appends {@code ents} following entry ({@code index}, {@code logTerm}) if that entry matches, truncating
     * conflicting uncommitted entries, and advances the commit index to min(committed, last new index).
     * Returns the last new index, or -1 if the preceding entry does not match.
     */
    public long maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> ents) {
        if (!matchTerm(index, logTerm)) {
            return -1;
        }
        long lastNew = index + ents.size();
        long ci = findConflict(ents);
        if (ci != 0) {
            if (ci <= committed) {
                throw new IllegalStateException("entry " + ci + " conflicts with committed entry (committed "
                        + committed + ")");
            }
            append(ents.subList((int) (ci - (index + 1)), ents.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** Appends entries (truncating the unstable tail as needed) and returns the new last index. */
    public long append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return lastIndex();
        }
        long after = ents.get(0).getIndex() - 1;
        if (after < committed) {
            throw new IllegalStateException("append after " + after + " is below committed " + committed);
        }
        unstable.truncateAndAppend(ents);
        return lastIndex();
    }

    /** Appends one entry that directly follows the last index (the leader's proposal path). */
    public void appendOne(Entry e) {
        if (e.getIndex() != lastIndex() + 1) {
            throw new IllegalStateException("entry " + e.getIndex() + " does not follow last index " + lastIndex());
        }
        unstable.appendOne(e);
    }

    /**
     * The index of the first entry of {@code ents} that is missing or has a different term here, or 0 if all
     * of them are present.
     */
    long findConflict(List<Entry> ents) {
        for (int i = 0, n = ents.size(); i < n; i++) {
            Entry e = ents.get(i);
            if (!matchTerm(e.getIndex(), e.getTerm())) {
                return e.getIndex();
            }
        }
        return 0;
    }

    /**
     * The largest index &lt;= {@code index} whose term is &lt;= {@code term}: entries after it cannot match a
     * log whose entry at {@code index} has term {@code term}. Used for fast backtracking of rejected appends.
     */
    public long findConflictByTerm(long index, long term) {
        for (; index > 0; index--) {
            long t;
            try {
                t = term(index);
            } catch (CompactedException | UnavailableException e) {
                return index;
            }
            if (t <= term) {
                return index;
            }
        }
        return 0;
    }

    /** Unstable entries to persist (a copy). */
    public List<Entry> unstableEntries() {
        if (unstable.size() == 0) {
            return List.of();
        }
        return EntryLists.copyOf(unstable.slice(unstable.offset(), unstable.offset() + unstable.size()));
    }

    /** True if committed entries are waiting to be applied. */
    public boolean hasNextCommittedEntries() {
        long off = Math.max(applied + 1, firstIndex());
        return committed + 1 > off;
    }

    /** Committed entries not yet applied, limited in size. */
    public List<Entry> nextCommittedEntries() {
        long off = Math.max(applied + 1, firstIndex());
        if (committed + 1 > off) {
            return slice(off, committed + 1, maxNextEntsSize);
        }
        return List.of();
    }

    /** The pending unstable snapshot, or the storage's snapshot. */
    public Snapshot snapshot() {
        Snapshot s = unstable.snapshot();
        return s != null ? s : storage.snapshot();
    }

    public boolean hasPendingSnapshot() {
        return unstable.snapshot() != null;
    }

    /** Advances the commit index. Requires: tocommit &lt;= lastIndex(). */
    public void commitTo(long tocommit) {
        if (committed < tocommit) {
            if (lastIndex() < tocommit) {
                throw new IllegalStateException("commit " + tocommit + " is out of range [last index "
                        + lastIndex() + "]");
            }
            committed = tocommit;
        }
    }

    /** Advances the applied index. Requires: applied &lt;= i &lt;= committed. */
    public void appliedTo(long i) {
        if (i == 0) {
            return;
        }
        if (committed < i || i < applied) {
            throw new IllegalStateException("applied " + i + " is out of range [prev applied " + applied
                    + ", committed " + committed + "]");
        }
        applied = i;
    }

    /** Sets the commit index from a persisted hard state (may not regress or exceed the log). */
    public void loadCommitted(long commit) {
        if (commit < committed || commit > lastIndex()) {
            throw new IllegalStateException("persisted commit " + commit + " is out of range [" + committed
                    + ", " + lastIndex() + "]");
        }
        committed = commit;
    }

    public void stableTo(long i, long t) {
        unstable.stableTo(i, t);
    }

    public void stableSnapTo(long i) {
        unstable.stableSnapTo(i);
    }

    /** Commits up to {@code maxIndex} if that entry has term {@code term} (§5.4.2). */
    public boolean maybeCommit(long maxIndex, long term) {
        if (maxIndex > committed && termOrZero(maxIndex) == term) {
            commitTo(maxIndex);
            return true;
        }
        return false;
    }

    /** Replaces the log with a snapshot; its index becomes the commit index. */
    public void restore(Snapshot s) {
        committed = s.getMetadata().getIndex();
        unstable.restore(s);
    }

    /** Entries from {@code i} to the end, limited in size; empty if i is past the end. */
    public List<Entry> entries(long i, long maxSize) {
        long last = lastIndex();
        if (i > last) {
            return List.of();
        }
        return slice(i, last + 1, maxSize);
    }

    /**
     * Like {@link #entries(long, long)}, but the result may be a view of the unstable log that is valid only until
     * this log is next modified: for copying straight into an outgoing message without an intermediate copy.
     */
    public List<Entry> entriesView(long i, long maxSize) {
        long last = lastIndex();
        if (i > last) {
            return List.of();
        }
        return slice(i, last + 1, maxSize, false);
    }

    /**
     * Entries [lo, hi) limited in size (at least one). Throws {@link CompactedException} if lo is compacted.
     */
    public List<Entry> slice(long lo, long hi, long maxSize) {
        return slice(lo, hi, maxSize, true);
    }

    private List<Entry> slice(long lo, long hi, long maxSize, boolean copy) {
        long first = firstIndex();
        if (lo < first) {
            throw new CompactedException(lo, first);
        }
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IllegalStateException("slice [" + lo + ", " + hi + ") out of bound [" + first + ", "
                    + lastIndex() + "]");
        }
        if (lo == hi) {
            return List.of();
        }
        long off = unstable.offset();
        List<Entry> stored = null;
        if (lo < off) {
            long storedHi = Math.min(hi, off);
            try {
                stored = storage.entries(lo, storedHi, maxSize);
            } catch (UnavailableException e) {
                throw new IllegalStateException("entries [" + lo + ", " + storedHi + ") unavailable in storage", e);
            }
            if (stored.size() < storedHi - lo || hi <= off) {
                return stored;
            }
        }
        List<Entry> fresh = unstable.slice(Math.max(lo, off), hi);
        if (stored == null) {
            List<Entry> view = EntryLists.limitSize(fresh, maxSize);
            return copy ? EntryLists.copyOf(view) : view;
        }
        ArrayList<Entry> all = new ArrayList<>(stored.size() + fresh.size());
        all.addAll(stored);
        all.addAll(fresh);
        List<Entry> limited = EntryLists.limitSize(all, maxSize);
        return copy ? EntryLists.copyOf(limited) : limited;
    }
}
