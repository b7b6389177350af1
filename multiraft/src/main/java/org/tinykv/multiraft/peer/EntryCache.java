package org.tinykv.multiraft.peer;

import java.util.ArrayList;
import java.util.List;
import org.tinykv.proto.eraftpb.Entry;

/**
 * The persisted tail of one region's raft log, kept in memory so that replication to followers and term lookups
 * rarely read the raft engine. Holds consecutive indexes (so lookup by index is O(1)); bounded by entry count and
 * bytes, the oldest entries go first.
 *
 * <p>Thread-safety: confined to the thread driving the peer.
 */
final class EntryCache {
    private final int maxEntries;
    private final long maxBytes;
    /** Live entries are {@code entries[head ..]}; the dead prefix is compacted away when it grows large. */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private int head;
    private long bytes;

    EntryCache(final int maxEntries, final long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    private int size() {
        return entries.size() - head;
    }

    /** First cached index, or -1 if empty. */
    long firstIndex() {
        return size() == 0 ? -1 : entries.get(head).getIndex();
    }

    /** Last cached index, or -1 if empty. */
    long lastIndex() {
        return size() == 0 ? -1 : entries.get(entries.size() - 1).getIndex();
    }

    /** Adds newly persisted entries, dropping any cached suffix they replace (or everything after a gap). */
    void append(final List<Entry> ents) {
        if (ents.isEmpty()) {
            return;
        }
        final long first = ents.get(0).getIndex();
        while (size() > 0 && lastIndex() >= first) {
            bytes -= entries.remove(entries.size() - 1).getSerializedSize();
        }
        if (size() > 0 && lastIndex() + 1 != first) {
            clear();
        }
        if (size() == 0) {
            clear();
        }
        for (final Entry e : ents) {
            entries.add(e);
            bytes += e.getSerializedSize();
        }
        while (size() > 1 && (size() > maxEntries || bytes > maxBytes)) {
            bytes -= entries.get(head).getSerializedSize();
            entries.set(head, null);
            head++;
        }
        if (head > 64 && head > entries.size() / 2) {
            entries.subList(0, head).clear();
            head = 0;
        }
    }

    /** Drops every cached entry with an index at most {@code index} (the log was truncated). */
    void compactTo(final long index) {
        while (size() > 0 && entries.get(head).getIndex() <= index) {
            bytes -= entries.get(head).getSerializedSize();
            entries.set(head, null);
            head++;
        }
        if (size() == 0) {
            clear();
        }
    }

    /** Drops everything. */
    void clear() {
        entries.clear();
        head = 0;
        bytes = 0;
    }

    /** Entry {@code index}, or null if not cached. */
    Entry get(final long index) {
        final long first = firstIndex();
        if (first < 0 || index < first || index > lastIndex()) {
            return null;
        }
        return entries.get(head + (int) (index - first));
    }

    /**
     * Appends cached entries {@code [lo, hi)} to {@code out} while the running size stays within {@code maxSize}
     * (at least one entry when {@code out} is empty). Requires: {@code firstIndex() <= lo}, {@code hi <=
     * lastIndex() + 1}. Returns the running size.
     */
    long copy(final long lo, final long hi, final long maxSize, final List<Entry> out, final long sizeSoFar) {
        long size = sizeSoFar;
        final long first = firstIndex();
        if (first < 0) {
            return size;
        }
        final long end = Math.min(hi, lastIndex() + 1);
        for (long i = Math.max(lo, first); i < end; i++) {
            final Entry e = entries.get(head + (int) (i - first));
            size += e.getSerializedSize();
            if (!out.isEmpty() && size > maxSize) {
                break;
            }
            out.add(e);
        }
        return size;
    }

    /** A copy of every cached entry (tests). */
    List<Entry> snapshot() {
        return new ArrayList<>(entries.subList(head, entries.size()));
    }
}
