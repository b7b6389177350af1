package org.tinykv.lsm.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.wal.codec.Fixed;

/**
 * A skip list of (internal key, value) entries whose nodes live in an arena of large byte slabs: no object per entry.
 *
 * <p>Node layout at an 8-byte aligned slab offset {@code o}:
 * <pre>
 *  o+0  height   int32 LE
 *  o+4  keyLen   int32 LE
 *  o+8  valueLen int32 LE
 *  o+12 (pad)
 *  o+16 next[0..height) int64 LE node addresses (0 = none), published with release/acquire
 *  o+16+8*height  key bytes, then value bytes
 * </pre>
 * An address is {@code slabIndex << 32 | offset}; the head node sits at address 0, which no node points to.
 *
 * <p>Thread-safety: one writer at a time (callers serialize {@link #insert}); any number of concurrent readers
 * without locks, leveldb-style.
 */
final class SkipList {

    static final int MAX_HEIGHT = 12;
    private static final int HEADER = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private volatile byte[][] slabs = new byte[8][];
    private int slabCount;
    private int current;
    private int position;
    private long allocatedBytes;
    private volatile int maxHeight = 1;
    private long randomState;
    private final long[] prevScratch = new long[MAX_HEIGHT];
    private final int slab;

    SkipList(final long seed, final int slabBytes) {
        randomState = seed | 1;
        slab = Math.max(4096, slabBytes) & ~7;
        final byte[][] s = slabs;
        s[0] = new byte[slab];
        slabCount = 1;
        allocatedBytes = slab;
        position = HEADER + 8 * MAX_HEIGHT;
        putInt(0, 0, MAX_HEIGHT);
        slabs = s;
    }

    /** Bytes of slab memory held. */
    long allocatedBytes() {
        return allocatedBytes;
    }

    /** Inserts an entry. Requires: external serialization of writers; the key is not already present. */
    void insert(final byte[] key, final int keyOff, final int keyLen,
                final byte[] value, final int valueOff, final int valueLen) {
        final long[] prev = prevScratch;
        if (!followsLastInsert(key, keyOff, keyLen, prev)) {
            findGreaterOrEqual(key, keyOff, keyLen, prev);
        }
        final int height = randomHeight();
        final int max = maxHeight;
        if (height > max) {
            for (int i = max; i < height; i++) {
                prev[i] = 0;
            }
            maxHeight = height;
        }
        final long node = allocate(HEADER + 8 * height + keyLen + valueLen);
        final byte[] slab = slabs[(int) (node >>> 32)];
        final int o = (int) node;
        Fixed.putInt(slab, o, height);
        Fixed.putInt(slab, o + 4, keyLen);
        Fixed.putInt(slab, o + 8, valueLen);
        final int keyAt = o + HEADER + 8 * height;
        System.arraycopy(key, keyOff, slab, keyAt, keyLen);
        System.arraycopy(value, valueOff, slab, keyAt + keyLen, valueLen);
        for (int i = 0; i < height; i++) {
            LONGS.set(slab, o + HEADER + 8 * i, nextOf(prev[i], i));
        }
        for (int i = 0; i < height; i++) {
            final long p = prev[i];
            LONGS.setRelease(slabs[(int) (p >>> 32)], (int) p + HEADER + 8 * i, node);
            prev[i] = node;
        }
    }

    /**
     * The insert hint (RocksDB's "splice" idea, simplified): after an insert, {@code prev[level]} holds the last
     * node at or before the inserted key on each level. If the new key sorts right after the previously inserted
     * one (sequential inserts), the search starts from those nodes instead of the head and touches only recently
     * written, cached nodes; fills {@code prev} and returns true then, else returns false.
     */
    private boolean followsLastInsert(final byte[] key, final int keyOff, final int keyLen, final long[] prev) {
        final long last = prev[0];
        if (last != 0 && compareNode(last, key, keyOff, keyLen) >= 0) {
            return false;
        }
        final long after = nextOf(last, 0);
        if (after != 0 && compareNode(after, key, keyOff, keyLen) < 0) {
            return false;
        }
        for (int level = maxHeight - 1; level > 0; level--) {
            long x = prev[level];
            long next;
            while ((next = nextOf(x, level)) != 0 && compareNode(next, key, keyOff, keyLen) < 0) {
                x = next;
            }
            prev[level] = x;
        }
        return true;
    }

    private long allocate(final int size) {
        final int aligned = (size + 7) & ~7;
        if (aligned > slab / 4) {
            return addSlab(new byte[aligned], false);
        }
        if (position + aligned > slab) {
            addSlab(new byte[slab], true);
        }
        final long address = ((long) current << 32) | position;
        position += aligned;
        return address;
    }

    private long addSlab(final byte[] slab, final boolean makeCurrent) {
        byte[][] s = slabs;
        if (slabCount == s.length) {
            s = java.util.Arrays.copyOf(s, s.length * 2);
        }
        s[slabCount] = slab;
        final int index = slabCount++;
        allocatedBytes += slab.length;
        slabs = s;
        if (makeCurrent) {
            current = index;
            position = 0;
        }
        return (long) index << 32;
    }

    private int randomHeight() {
        long x = randomState;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        randomState = x;
        int height = 1;
        while (height < MAX_HEIGHT && (x & 3) == 0) {
            height++;
            x >>>= 2;
        }
        return height;
    }

    long nextOf(final long node, final int level) {
        return (long) LONGS.getAcquire(slabs[(int) (node >>> 32)], (int) node + HEADER + 8 * level);
    }

    byte[] slabOf(final long node) {
        return slabs[(int) (node >>> 32)];
    }

    int keyOffset(final long node) {
        final byte[] slab = slabOf(node);
        return (int) node + HEADER + 8 * Fixed.getInt(slab, (int) node);
    }

    int keyLength(final long node) {
        return Fixed.getInt(slabOf(node), (int) node + 4);
    }

    int valueOffset(final long node) {
        return keyOffset(node) + keyLength(node);
    }

    int valueLength(final long node) {
        return Fixed.getInt(slabOf(node), (int) node + 8);
    }

    private void putInt(final int slab, final int off, final int v) {
        Fixed.putInt(slabs[slab], off, v);
    }

    private int compareNode(final long node, final byte[] key, final int keyOff, final int keyLen) {
        return KeyComparator.compareInternal(slabOf(node), keyOffset(node), keyLength(node), key, keyOff, keyLen);
    }

    /** Returns the first node with key >= target, or 0; fills {@code prev} (if not null) per level. */
    long findGreaterOrEqual(final byte[] key, final int keyOff, final int keyLen, final long[] prev) {
        long x = 0;
        long knownNotLess = 0;
        int level = maxHeight - 1;
        while (true) {
            final long next = nextOf(x, level);
            if (next != 0 && next != knownNotLess && compareNode(next, key, keyOff, keyLen) < 0) {
                x = next;
            } else {
                knownNotLess = next;
                if (prev != null) {
                    prev[level] = x;
                }
                if (level == 0) {
                    return next;
                }
                level--;
            }
        }
    }

    /** Returns the last node with key < target, or 0 (the head). */
    long findLessThan(final byte[] key, final int keyOff, final int keyLen) {
        long x = 0;
        int level = maxHeight - 1;
        while (true) {
            final long next = nextOf(x, level);
            if (next != 0 && compareNode(next, key, keyOff, keyLen) < 0) {
                x = next;
            } else {
                if (level == 0) {
                    return x;
                }
                level--;
            }
        }
    }

    /** Returns the last node, or 0 if empty. */
    long findLast() {
        long x = 0;
        int level = maxHeight - 1;
        while (true) {
            final long next = nextOf(x, level);
            if (next != 0) {
                x = next;
            } else {
                if (level == 0) {
                    return x;
                }
                level--;
            }
        }
    }
}
