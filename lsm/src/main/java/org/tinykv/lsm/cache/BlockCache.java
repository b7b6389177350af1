package org.tinykv.lsm.cache;

import java.util.concurrent.atomic.LongAdder;
import org.tinykv.lsm.sstable.Block;

/**
 * A cache of decoded blocks bounded in bytes (charged {@link Block#chargeBytes()}), shared by every table and
 * column family of a Db. Keys are (file number, block offset) packed into one {@code long}, so a lookup allocates
 * nothing. The cache is split into {@value #SHARDS} shards by key hash; each shard is an open-addressing table
 * (linear probing, backward-shift deletion) with CLOCK eviction: a hit sets the entry's reference bit, and the
 * clock hand evicts the first entry without one, clearing bits as it passes.
 *
 * <p>Packing: {@code fileNumber << 36 | offset}; blocks of files numbered {@code <= 0} or {@code >= 2^27}, or at
 * offsets {@code >= 64 GiB}, are not cached (readers just read them).
 *
 * <p>Thread-safety: safe; each shard is guarded by its own monitor.
 */
public final class BlockCache {

    private static final int SHARDS = 16;
    private static final int OFFSET_BITS = 36;

    private final Shard[] shards = new Shard[SHARDS];
    private final long capacityBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** Creates a cache holding at most about {@code capacityBytes} bytes of blocks. */
    public BlockCache(final long capacityBytes) {
        this.capacityBytes = capacityBytes;
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard(capacityBytes / SHARDS);
        }
    }

    private static long key(final long fileNumber, final long offset) {
        if (fileNumber <= 0 || fileNumber >= 1L << (63 - OFFSET_BITS) || offset < 0 || offset >= 1L << OFFSET_BITS) {
            return 0;
        }
        return fileNumber << OFFSET_BITS | offset;
    }

    private static int mix(final long key) {
        final long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    private Shard shard(final int hash) {
        return shards[(hash >>> 28) & (SHARDS - 1)];
    }

    /** Returns the cached block or null, counting a hit or a miss. */
    public Block get(final long fileNumber, final long offset) {
        final long k = key(fileNumber, offset);
        final Block b;
        if (k == 0) {
            b = null;
        } else {
            final int h = mix(k);
            b = shard(h).get(k, h);
        }
        if (b == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return b;
    }

    /** Caches a block (replacing one at the same key). */
    public void put(final long fileNumber, final long offset, final Block block) {
        final long k = key(fileNumber, offset);
        if (k != 0) {
            final int h = mix(k);
            shard(h).put(k, h, block);
        }
    }

    /** Drops every block of a file (called when the file is deleted). */
    public void evictFile(final long fileNumber) {
        if (key(fileNumber, 0) == 0) {
            return;
        }
        for (final Shard s : shards) {
            s.evictFile(fileNumber);
        }
    }

    /** Hits so far. */
    public long hits() {
        return hits.sum();
    }

    /** Misses so far. */
    public long misses() {
        return misses.sum();
    }

    /** Approximate bytes held. */
    public long usedBytes() {
        long n = 0;
        for (final Shard s : shards) {
            n += s.usedBytes();
        }
        return n;
    }

    /** The configured capacity. */
    public long capacityBytes() {
        return capacityBytes;
    }

    /** One shard: open addressing over power-of-two arrays, CLOCK eviction by bytes. */
    private static final class Shard {
        private final long capacity;
        private long[] keys = new long[64];
        private Block[] values = new Block[64];
        private boolean[] referenced = new boolean[64];
        /** Each entry's charge, kept beside its key so eviction never touches the (cold) evicted block. */
        private int[] charges = new int[64];
        private int size;
        private long bytes;
        private int hand;

        Shard(final long capacity) {
            this.capacity = capacity;
        }

        synchronized long usedBytes() {
            return bytes;
        }

        synchronized Block get(final long k, final int h) {
            final int mask = keys.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                final long at = keys[i];
                if (at == k) {
                    referenced[i] = true;
                    return values[i];
                }
                if (at == 0) {
                    return null;
                }
            }
        }

        synchronized void put(final long k, final int h, final Block block) {
            final int charge = block.chargeBytes();
            if (charge > capacity) {
                return;
            }
            int mask = keys.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                if (keys[i] == k) {
                    bytes += charge - charges[i];
                    values[i] = block;
                    charges[i] = charge;
                    referenced[i] = true;
                    evictOverflow();
                    return;
                }
                if (keys[i] == 0) {
                    break;
                }
            }
            bytes += charge;
            evictOverflow();
            if ((size + 1) * 2 > keys.length) {
                resize(keys.length * 2);
                mask = keys.length - 1;
            }
            int i = h & mask;
            while (keys[i] != 0) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            values[i] = block;
            charges[i] = charge;
            referenced[i] = false;
            size++;
        }

        /** Evicts unreferenced entries until the shard's bytes (including a pending insertion) fit. */
        private void evictOverflow() {
            final int mask = keys.length - 1;
            int guard = 2 * keys.length + 2;
            while (bytes > capacity && size > 0 && guard-- > 0) {
                hand = (hand + 1) & mask;
                if (keys[hand] == 0) {
                    continue;
                }
                if (referenced[hand]) {
                    referenced[hand] = false;
                    continue;
                }
                removeAt(hand);
                hand = (hand - 1) & mask;
            }
        }

        private void removeAt(final int slot) {
            final int mask = keys.length - 1;
            bytes -= charges[slot];
            size--;
            int hole = slot;
            int i = slot;
            while (true) {
                i = (i + 1) & mask;
                final long k = keys[i];
                if (k == 0) {
                    break;
                }
                final int home = mix(k) & mask;
                final boolean movable = hole <= i ? home <= hole || home > i : home <= hole && home > i;
                if (movable) {
                    keys[hole] = k;
                    values[hole] = values[i];
                    charges[hole] = charges[i];
                    referenced[hole] = referenced[i];
                    hole = i;
                }
            }
            keys[hole] = 0;
            values[hole] = null;
            referenced[hole] = false;
        }

        private void resize(final int slots) {
            final long[] oldKeys = keys;
            final Block[] oldValues = values;
            final boolean[] oldRef = referenced;
            final int[] oldCharges = charges;
            keys = new long[slots];
            values = new Block[slots];
            referenced = new boolean[slots];
            charges = new int[slots];
            final int mask = slots - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                final long k = oldKeys[j];
                if (k != 0) {
                    int i = mix(k) & mask;
                    while (keys[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = k;
                    values[i] = oldValues[j];
                    referenced[i] = oldRef[j];
                    charges[i] = oldCharges[j];
                }
            }
            hand = 0;
        }

        synchronized void evictFile(final long fileNumber) {
            int i = 0;
            while (i < keys.length) {
                if (keys[i] != 0 && keys[i] >>> OFFSET_BITS == fileNumber) {
                    removeAt(i);
                    // a backward shift may have moved another entry into slot i: look at it again
                } else {
                    i++;
                }
            }
        }
    }
}
