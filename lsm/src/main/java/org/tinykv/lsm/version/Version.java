package org.tinykv.lsm.version;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinykv.lsm.cache.TableCache;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.iterator.LevelIterator;
import org.tinykv.lsm.key.FragmentedTombstones;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.Lookup;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.sstable.BloomFilter;
import org.tinykv.lsm.sstable.TableReader;

/**
 * An immutable set of table files per column family and level. Level 0 files may overlap and are kept newest first;
 * deeper levels are sorted by smallest key and do not overlap. Readers pin a version with {@link #ref()} so that its
 * files are not deleted while in use.
 *
 * <p>Thread-safety: immutable apart from the reference count; safe.
 */
public final class Version {

    /** Number of levels. */
    public static final int NUM_LEVELS = 7;
    /** Column family ids range over {@code [0, MAX_CFS)}. */
    public static final int MAX_CFS = 4;

    /** Order of level-0 files: newest (largest sequence) first. */
    static final Comparator<FileMetadata> NEWEST_FIRST = Comparator.comparingLong(FileMetadata::largestSeq)
        .thenComparingLong(FileMetadata::number).reversed();
    /** Order of deeper levels: by smallest key. */
    static final Comparator<FileMetadata> BY_SMALLEST = (a, b) -> KeyComparator.INTERNAL.compare(a.smallest(),
        b.smallest());

    private final List<FileMetadata>[][] files;
    private final AtomicInteger refs = new AtomicInteger();

    Version(final List<FileMetadata>[][] files) {
        this.files = files;
    }

    /** An empty version. */
    @SuppressWarnings("unchecked")
    static Version empty() {
        final List<FileMetadata>[][] f = new List[MAX_CFS][NUM_LEVELS];
        for (final List<FileMetadata>[] cf : f) {
            Arrays.fill(cf, List.of());
        }
        return new Version(f);
    }

    /** Returns a version with {@code edit} applied. */
    @SuppressWarnings("unchecked")
    Version apply(final VersionEdit edit) {
        final List<FileMetadata>[][] f = new List[MAX_CFS][NUM_LEVELS];
        for (int c = 0; c < MAX_CFS; c++) {
            for (int l = 0; l < NUM_LEVELS; l++) {
                f[c][l] = files[c][l];
            }
        }
        for (final VersionEdit.Deleted d : edit.deleted()) {
            final List<FileMetadata> copy = new ArrayList<>(f[d.cf()][d.level()]);
            copy.removeIf(x -> x.number() == d.number());
            f[d.cf()][d.level()] = copy;
        }
        for (final VersionEdit.Added a : edit.added()) {
            final List<FileMetadata> copy = new ArrayList<>(f[a.cf()][a.level()]);
            copy.removeIf(x -> x.number() == a.file().number());
            copy.add(a.file());
            f[a.cf()][a.level()] = copy;
        }
        for (int c = 0; c < MAX_CFS; c++) {
            for (int l = 0; l < NUM_LEVELS; l++) {
                final List<FileMetadata> list = new ArrayList<>(f[c][l]);
                list.sort(l == 0 ? NEWEST_FIRST : BY_SMALLEST);
                f[c][l] = Collections.unmodifiableList(list);
            }
        }
        return new Version(f);
    }

    /** Files of a level. */
    public List<FileMetadata> files(final int cf, final int level) {
        return files[cf][level];
    }

    /** Takes a reference. */
    public void ref() {
        refs.incrementAndGet();
    }

    /** Drops a reference; returns true when none remain. */
    public boolean unref() {
        return refs.decrementAndGet() == 0;
    }

    /** Current reference count. */
    public int refCount() {
        return refs.get();
    }

    /** Adds every file number of this version to {@code out}. */
    void collectFiles(final java.util.Set<Long> out) {
        for (final List<FileMetadata>[] cf : files) {
            for (final List<FileMetadata> level : cf) {
                for (final FileMetadata f : level) {
                    out.add(f.number());
                }
            }
        }
    }

    private static boolean contains(final FileMetadata f, final byte[] userKey) {
        return KeyComparator.compareUserPart(f.smallest(), 0, f.smallest().length, userKey) <= 0
            && KeyComparator.compareUserPart(f.largest(), 0, f.largest().length, userKey) >= 0;
    }

    /** Looks a key up in the tables of {@code cf}, newest level first, stopping at the first point entry. */
    public void get(final int cf, final Lookup lookup, final TableCache tables) throws IOException {
        get(cf, lookup, tables, BloomFilter.hash(lookup.userKey, 0, lookup.userKey.length));
    }

    /** As {@link #get(int, Lookup, TableCache)}, given the key's {@link BloomFilter#hash}. */
    public void get(final int cf, final Lookup lookup, final TableCache tables, final long hash) throws IOException {
        final List<FileMetadata> l0 = files[cf][0];
        for (int i = 0, n = l0.size(); i < n; i++) {
            final FileMetadata f = l0.get(i);
            if (contains(f, lookup.userKey) && f.smallestSeq() <= lookup.snapshotSeq) {
                getFromFile(f, lookup, tables, hash);
                if (lookup.isFound()) {
                    return;
                }
            }
        }
        final byte[] seek = lookup.seekKey();
        for (int level = 1; level < NUM_LEVELS; level++) {
            final List<FileMetadata> list = files[cf][level];
            final int i = findFile(list, seek);
            if (i < list.size() && contains(list.get(i), lookup.userKey)) {
                getFromFile(list.get(i), lookup, tables, hash);
                if (lookup.isFound()) {
                    return;
                }
            }
        }
    }

    private static void getFromFile(final FileMetadata f, final Lookup lookup, final TableCache tables,
                                    final long hash) throws IOException {
        final TableReader t = tables.acquire(f.number(), f.globalSeq());
        try {
            t.get(lookup, hash);
        } finally {
            t.release();
        }
    }

    /** Index of the first file whose largest key is {@code >= target}. */
    static int findFile(final List<FileMetadata> list, final byte[] target) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (KeyComparator.INTERNAL.compare(list.get(mid).largest(), target) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Files of a level whose user-key range intersects {@code [begin, end]} (null = unbounded), inclusive. */
    public List<FileMetadata> overlapping(final int cf, final int level, final byte[] begin, final byte[] end) {
        final List<FileMetadata> out = new ArrayList<>();
        for (final FileMetadata f : files[cf][level]) {
            if (begin != null && Arrays.compareUnsigned(f.largestUserKey(), begin) < 0) {
                continue;
            }
            if (end != null && Arrays.compareUnsigned(f.smallestUserKey(), end) > 0) {
                continue;
            }
            out.add(f);
        }
        return out;
    }

    /** Adds iterators over every table of {@code cf} to {@code out}. */
    public void addIterators(final int cf, final TableCache tables, final boolean fillCache,
                             final List<InternalIterator> out) {
        for (final List<FileMetadata> run : disjointRuns(files[cf][0])) {
            out.add(new LevelIterator(run, tables, fillCache));
        }
        for (int level = 1; level < NUM_LEVELS; level++) {
            if (!files[cf][level].isEmpty()) {
                out.add(new LevelIterator(files[cf][level], tables, fillCache));
            }
        }
    }

    /**
     * Splits level-0 files into as few runs as possible, each sorted by key with user-key ranges that do not
     * touch, so that each run can be read by one concatenating {@link LevelIterator} (one merge child instead of
     * one per file; files written in key order, as by a sequential load, make a single run).
     */
    static List<List<FileMetadata>> disjointRuns(final List<FileMetadata> l0) {
        final List<FileMetadata> sorted = new ArrayList<>(l0);
        sorted.sort((a, b) -> KeyComparator.INTERNAL.compare(a.smallest(), b.smallest()));
        final List<List<FileMetadata>> runs = new ArrayList<>();
        for (final FileMetadata f : sorted) {
            List<FileMetadata> target = null;
            for (final List<FileMetadata> run : runs) {
                final byte[] last = run.get(run.size() - 1).largest();
                final byte[] first = f.smallest();
                if (KeyComparator.compareBytes(last, 0, last.length - InternalKey.TRAILER_BYTES,
                    first, 0, first.length - InternalKey.TRAILER_BYTES) < 0) {
                    target = run;
                    break;
                }
            }
            if (target == null) {
                target = new ArrayList<>();
                runs.add(target);
            }
            target.add(f);
        }
        return runs;
    }

    private static boolean hasRangeDeletes(final List<FileMetadata> level) {
        for (int i = 0, n = level.size(); i < n; i++) {
            if (level.get(i).rangeDeletes() != 0) {
                return true;
            }
        }
        return false;
    }

    /** Adds the range tombstones of every table of {@code cf} intersecting {@code [lower, upper)} to {@code out}. */
    public void addRangeTombstones(final int cf, final TableCache tables, final byte[] lower, final byte[] upper,
                                   final List<RangeTombstone> out) throws IOException {
        for (int level = 0; level < NUM_LEVELS; level++) {
            if (!hasRangeDeletes(files[cf][level])) {
                continue;
            }
            for (final FileMetadata f : overlapping(cf, level, lower, upper)) {
                if (f.rangeDeletes() == 0) {
                    continue;
                }
                final TableReader t = tables.acquire(f.number(), f.globalSeq());
                try {
                    final FragmentedTombstones ft = t.rangeTombstones();
                    out.addAll(ft.tombstones());
                } finally {
                    t.release();
                }
            }
        }
    }

    /** Total bytes of a level. */
    public long levelBytes(final int cf, final int level) {
        long sum = 0;
        for (final FileMetadata f : files[cf][level]) {
            sum += f.size();
        }
        return sum;
    }
}
