package org.tinykv.lsm.compaction;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.lsm.cache.TableCache;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.iterator.LevelIterator;
import org.tinykv.lsm.iterator.MergingIterator;
import org.tinykv.lsm.key.FragmentedTombstones;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.sstable.TableReader;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.Version;

/**
 * Merges a compaction's inputs into new tables, dropping what no reader can see. Snapshots cut the sequence space
 * into stripes; within a stripe only the newest entry of a key survives. An entry covered by a range tombstone of
 * its own stripe is dropped. Point and range tombstones are dropped in the oldest stripe when no deeper level holds
 * the key (nothing older can be shadowed). The compaction filter sees values of the oldest stripe.
 *
 * <p>Thread-safety: confined to the compaction thread.
 */
public final class CompactionJob {

    private final Compaction c;
    private final Version version;
    private final TableCache tables;
    private final long[] snapshots;
    private final CompactionFilter filter;
    private final byte[] empty = new byte[0];

    /**
     * Prepares a job.
     *
     * @param snapshots sorted sequence numbers of live snapshots
     * @param filter    the column family's filter for this compaction, or null
     */
    public CompactionJob(final Compaction c, final Version version, final TableCache tables, final long[] snapshots,
                         final CompactionFilter filter) {
        this.c = c;
        this.version = version;
        this.tables = tables;
        this.snapshots = snapshots;
        this.filter = filter;
    }

    private int stripe(final long seq) {
        int lo = 0;
        int hi = snapshots.length;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (snapshots[mid] >= seq) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private long stripeTop(final int s) {
        return s < snapshots.length ? snapshots[s] : InternalKey.MAX_SEQ;
    }

    /** Whether no level below the output level may hold {@code [begin, end]} (user keys, inclusive). */
    private boolean bottommost(final byte[] begin, final byte[] end) {
        for (int level = c.outputLevel() + 1; level < Version.NUM_LEVELS; level++) {
            if (!version.overlapping(c.cf(), level, begin, end).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Computes {@link #bottommost(byte[], byte[])} for {@code userKey} unless already {@code known} (0 or 1). */
    private int bottommost(final int known, final byte[] userKey) {
        return known >= 0 ? known : bottommost(userKey, userKey) ? 1 : 0;
    }

    /** Runs the merge, writing into {@code out}; the caller finishes or abandons {@code out}. */
    public void run(final TableOutput out) throws IOException {
        final List<RangeTombstone> all = new ArrayList<>();
        for (final FileMetadata f : c.allInputs()) {
            if (f.rangeDeletes() > 0) {
                final TableReader t = tables.acquire(f.number(), f.globalSeq());
                try {
                    all.addAll(t.rangeTombstones().tombstones());
                } finally {
                    t.release();
                }
            }
        }
        final FragmentedTombstones ft = new FragmentedTombstones(all);
        final List<RangeTombstone> kept = new ArrayList<>();
        for (final RangeTombstone t : all) {
            if (!(stripe(t.seq()) == 0 && bottommost(t.begin(), t.end()))) {
                kept.add(t);
            }
        }
        out.tombstones(kept);
        final List<InternalIterator> children = new ArrayList<>();
        if (c.level() == 0) {
            for (final FileMetadata f : c.inputs()) {
                children.add(new LevelIterator(List.of(f), tables, false));
            }
        } else {
            children.add(new LevelIterator(c.inputs(), tables, false));
        }
        children.add(new LevelIterator(c.nextInputs(), tables, false));
        try (MergingIterator it = new MergingIterator(children)) {
            merge(it, ft, out);
        }
    }

    private void merge(final InternalIterator it, final FragmentedTombstones ft, final TableOutput out)
        throws IOException {
        byte[] currentUser = null;
        int lastStripe = -1;
        // whether no deeper level holds the current user key: 1 yes, 0 no, -1 not computed yet (rarely needed)
        int keyBottommost = -1;
        it.seekToFirst();
        while (it.valid()) {
            final byte[] k = it.keyArray();
            final int ko = it.keyOffset();
            final int kl = it.keyLength();
            final int userLen = kl - InternalKey.TRAILER_BYTES;
            if (currentUser == null || !Arrays.equals(currentUser, 0, currentUser.length, k, ko, ko + userLen)) {
                currentUser = Arrays.copyOfRange(k, ko, ko + userLen);
                lastStripe = -1;
                keyBottommost = -1;
            }
            final long trailer = InternalKey.trailerOf(k, ko, kl);
            final long seq = InternalKey.seqOf(trailer);
            final int kind = InternalKey.kindOf(trailer);
            final int s = stripe(seq);
            boolean drop = false;
            if (s == lastStripe) {
                drop = true;
            } else {
                lastStripe = s;
                if (!ft.isEmpty() && ft.maxCoveringSeq(k, ko, userLen, stripeTop(s)) > seq) {
                    drop = true;
                } else if (kind == ValueKind.DELETE.code() && s == 0) {
                    keyBottommost = bottommost(keyBottommost, currentUser);
                    drop = keyBottommost == 1;
                } else if (kind == ValueKind.PUT.code() && s == 0 && filter != null) {
                    final byte[] v = Arrays.copyOfRange(it.valueArray(), it.valueOffset(),
                        it.valueOffset() + it.valueLength());
                    if (filter.filter(c.outputLevel(), currentUser, v) == CompactionFilter.Decision.REMOVE) {
                        keyBottommost = bottommost(keyBottommost, currentUser);
                        if (keyBottommost == 0) {
                            final byte[] del = InternalKey.encode(currentUser, seq, ValueKind.DELETE.code());
                            out.add(del, 0, del.length, empty, 0, 0);
                        }
                        drop = true;
                    }
                }
            }
            if (!drop) {
                out.add(k, ko, kl, it.valueArray(), it.valueOffset(), it.valueLength());
            }
            it.next();
        }
    }
}
