package org.tinykv.lsm.key;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * An immutable index of range tombstones cut into non-overlapping fragments, each carrying the sequence numbers of
 * every tombstone that covers it, newest first. Answers "the newest tombstone visible at a snapshot covering a key"
 * with a binary search.
 *
 * <p>Thread-safety: immutable, safe.
 */
public final class FragmentedTombstones {

    /** The empty set. */
    public static final FragmentedTombstones EMPTY = new FragmentedTombstones(List.of());

    private final List<RangeTombstone> raw;
    private final byte[][] begins;
    private final byte[][] ends;
    private final long[][] seqs;

    /** Builds the index of {@code tombstones} (copied). */
    public FragmentedTombstones(final List<RangeTombstone> tombstones) {
        this.raw = List.copyOf(tombstones);
        final TreeSet<byte[]> bounds = new TreeSet<>(KeyComparator.USER);
        for (final RangeTombstone t : raw) {
            if (Arrays.compareUnsigned(t.begin(), t.end()) < 0) {
                bounds.add(t.begin());
                bounds.add(t.end());
            }
        }
        final byte[][] points = bounds.toArray(new byte[0][]);
        final List<List<Long>> cover = new ArrayList<>();
        for (int i = 0; i + 1 < points.length; i++) {
            cover.add(new ArrayList<>());
        }
        for (final RangeTombstone t : raw) {
            if (Arrays.compareUnsigned(t.begin(), t.end()) >= 0) {
                continue;
            }
            int i = Arrays.binarySearch(points, t.begin(), KeyComparator.USER);
            while (i + 1 < points.length && Arrays.compareUnsigned(points[i], t.end()) < 0) {
                cover.get(i).add(t.seq());
                i++;
            }
        }
        final List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < cover.size(); i++) {
            if (!cover.get(i).isEmpty()) {
                kept.add(i);
            }
        }
        begins = new byte[kept.size()][];
        ends = new byte[kept.size()][];
        seqs = new long[kept.size()][];
        for (int j = 0; j < kept.size(); j++) {
            final int i = kept.get(j);
            begins[j] = points[i];
            ends[j] = points[i + 1];
            final long[] s = cover.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            for (int a = 0, b = s.length - 1; a < b; a++, b--) {
                final long tmp = s[a];
                s[a] = s[b];
                s[b] = tmp;
            }
            seqs[j] = s;
        }
    }

    /** Whether there are no tombstones. */
    public boolean isEmpty() {
        return begins.length == 0;
    }

    /** The tombstones this index was built from. */
    public List<RangeTombstone> tombstones() {
        return raw;
    }

    /**
     * Returns the largest sequence number {@code <= snapshotSeq} of a tombstone covering {@code userKey}, or -1.
     */
    public long maxCoveringSeq(final byte[] userKey, final long snapshotSeq) {
        return maxCoveringSeq(userKey, 0, userKey.length, snapshotSeq);
    }

    /** Like {@link #maxCoveringSeq(byte[], long)} for a user key held in an array range. */
    public long maxCoveringSeq(final byte[] buf, final int off, final int len, final long snapshotSeq) {
        int lo = 0;
        int hi = begins.length - 1;
        int found = -1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(begins[mid], 0, begins[mid].length, buf, off, off + len) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0 || Arrays.compareUnsigned(buf, off, off + len, ends[found], 0, ends[found].length) >= 0) {
            return -1;
        }
        for (final long s : seqs[found]) {
            if (s <= snapshotSeq) {
                return s;
            }
        }
        return -1;
    }

    /** Returns the smallest begin key, or null if empty. */
    public byte[] smallestBegin() {
        return begins.length == 0 ? null : begins[0];
    }

    /** Returns the largest end key, or null if empty. */
    public byte[] largestEnd() {
        return ends.length == 0 ? null : ends[ends.length - 1];
    }
}
