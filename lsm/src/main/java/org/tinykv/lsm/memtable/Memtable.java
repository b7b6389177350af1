package org.tinykv.lsm.memtable;

import java.util.ArrayList;
import java.util.List;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.key.FragmentedTombstones;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.Lookup;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.sstable.BloomFilter;

/**
 * The in-memory write buffer of one column family: point entries in an arena {@link SkipList}, range tombstones in a
 * side list indexed lazily as {@link FragmentedTombstones}.
 *
 * <p>Thread-safety: one writer at a time ({@link #add} is called by the write-group leader only); lookups and
 * iterators are safe concurrently with the writer.
 */
public final class Memtable {

    private static final byte[] EMPTY = new byte[0];
    private final SkipList list;
    /** Whole-key filter for point lookups, or null. */
    private final MemtableBloom bloom;
    /** The writer's scratch buffer for internal keys. */
    private byte[] ikScratch = new byte[64];
    private final List<RangeTombstone> rangeTombstones = new ArrayList<>();
    private volatile int rangeTombstoneCount;
    private FragmentedTombstones fragmented = FragmentedTombstones.EMPTY;
    private volatile long entries;
    private volatile long dataBytes;
    private volatile long maxSeq = -1;
    private volatile long minSeq = Long.MAX_VALUE;

    /**
     * Creates an empty memtable; {@code seed} drives the skip list's node heights; memory is taken in slabs of
     * {@code slabBytes} (entries larger than a quarter slab get their own).
     */
    public Memtable(final long seed, final int slabBytes) {
        this(seed, slabBytes, 0);
    }

    /**
     * Creates an empty memtable as {@link #Memtable(long, int)} with a bloom filter of about {@code bloomBits} bits
     * over its user keys ({@code 0}: none), which lets {@link #get} skip the skip list for absent keys.
     */
    public Memtable(final long seed, final int slabBytes, final long bloomBits) {
        this.list = new SkipList(seed, slabBytes);
        this.bloom = bloomBits > 0 ? new MemtableBloom(bloomBits) : null;
    }

    /** Adds an entry. A {@link ValueKind#RANGE_DELETE} entry has key = begin and value = end (exclusive). */
    public void add(final long seq, final ValueKind kind, final byte[] key, final byte[] value) {
        if (kind == ValueKind.RANGE_DELETE) {
            addRangeDelete(seq, key.clone(), value.clone());
            return;
        }
        final byte[] v = value == null ? EMPTY : value;
        add(seq, kind, key, 0, key.length, v, 0, v.length);
    }

    /**
     * Adds a point entry (PUT or DELETE) given as array ranges, without allocating: the internal key is built in a
     * scratch buffer owned by the single writer. Requires: the caller is the memtable's only writer.
     */
    public void add(final long seq, final ValueKind kind, final byte[] keySrc, final int keyOff, final int keyLen,
                    final byte[] valueSrc, final int valueOff, final int valueLen) {
        if (kind == ValueKind.RANGE_DELETE) {
            addRangeDelete(seq, java.util.Arrays.copyOfRange(keySrc, keyOff, keyOff + keyLen),
                java.util.Arrays.copyOfRange(valueSrc, valueOff, valueOff + valueLen));
            return;
        }
        final int ikLen = keyLen + InternalKey.TRAILER_BYTES;
        if (ikScratch.length < ikLen) {
            ikScratch = new byte[Math.max(ikLen, 2 * ikScratch.length)];
        }
        System.arraycopy(keySrc, keyOff, ikScratch, 0, keyLen);
        org.tinykv.wal.codec.Fixed.putLong(ikScratch, keyLen, InternalKey.trailer(seq, kind.code()));
        if (bloom != null) {
            bloom.add(BloomFilter.hash(keySrc, keyOff, keyLen));
        }
        list.insert(ikScratch, 0, ikLen, valueSrc, valueOff, valueLen);
        counted(seq, keyLen + valueLen);
    }

    private void addRangeDelete(final long seq, final byte[] begin, final byte[] end) {
        synchronized (this) {
            rangeTombstones.add(new RangeTombstone(begin, end, seq));
            rangeTombstoneCount = rangeTombstones.size();
        }
        counted(seq, begin.length + end.length);
    }

    private void counted(final long seq, final int bytes) {
        entries = entries + 1;
        dataBytes = dataBytes + bytes + 8;
        if (seq > maxSeq) {
            maxSeq = seq;
        }
        if (seq < minSeq) {
            minSeq = seq;
        }
    }

    /** Approximate bytes of memory held (arena slabs plus range tombstones). */
    public long approximateMemoryBytes() {
        return list.allocatedBytes() + (long) rangeTombstoneCount * 64 + (bloom == null ? 0 : bloom.memoryBytes());
    }

    /** Bytes of keys and values added. */
    public long dataBytes() {
        return dataBytes;
    }

    /** Number of entries added (points and ranges). */
    public long entryCount() {
        return entries;
    }

    /** Whether nothing was added. */
    public boolean isEmpty() {
        return entries == 0;
    }

    /** Largest sequence number added, or -1. */
    public long maxSeq() {
        return maxSeq;
    }

    /** Smallest sequence number added, or {@code Long.MAX_VALUE}. */
    public long minSeq() {
        return minSeq;
    }

    /** The range tombstones added so far. */
    public FragmentedTombstones rangeTombstones() {
        if (rangeTombstoneCount == 0) {
            return FragmentedTombstones.EMPTY;
        }
        synchronized (this) {
            if (fragmented.tombstones().size() != rangeTombstones.size()) {
                fragmented = new FragmentedTombstones(rangeTombstones);
            }
            return fragmented;
        }
    }

    /** Looks {@code lookup.userKey} up, recording the newest visible entry and covering tombstones. */
    public void get(final Lookup lookup) {
        get(lookup, BloomFilter.hash(lookup.userKey, 0, lookup.userKey.length));
    }

    /**
     * As {@link #get(Lookup)}, given the key's {@link BloomFilter#hash} (computed once per lookup by the caller).
     */
    public void get(final Lookup lookup, final long userKeyHash) {
        if (rangeTombstoneCount != 0) {
            lookup.tombstone(rangeTombstones().maxCoveringSeq(lookup.userKey, lookup.snapshotSeq));
        }
        if (bloom != null && !bloom.mayContain(userKeyHash)) {
            return;
        }
        final byte[] seek = lookup.seekKey();
        final long node = list.findGreaterOrEqual(seek, 0, seek.length, null);
        if (node == 0) {
            return;
        }
        final byte[] slab = list.slabOf(node);
        final int ko = list.keyOffset(node);
        final int kl = list.keyLength(node);
        if (KeyComparator.compareUserPart(slab, ko, kl, lookup.userKey) != 0) {
            return;
        }
        final long trailer = InternalKey.trailerOf(slab, ko, kl);
        final int vo = ko + kl;
        lookup.found(InternalKey.kindOf(trailer), InternalKey.seqOf(trailer),
            java.util.Arrays.copyOfRange(slab, vo, vo + list.valueLength(node)));
    }

    /** Returns an iterator over the point entries (not range tombstones). */
    public InternalIterator iterator() {
        return new MemtableIterator(list);
    }
}
