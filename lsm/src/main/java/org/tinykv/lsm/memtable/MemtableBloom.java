package org.tinykv.lsm.memtable;

/**
 * A blocked bloom filter over the user keys of one memtable, so that a point lookup of a key the memtable does not
 * hold skips the skip-list search (a chain of cache misses) for the price of one cache line (RocksDB's memtable
 * whole-key filter). Each key sets {@value #PROBES} bits inside one 512-bit block chosen by its hash.
 *
 * <p>Thread-safety: one writer ({@link #add}, called by the memtable's single writer) and any number of concurrent
 * readers. Bits are only ever set; a reader sees every bit of entries published to it before (the write path
 * publishes the last sequence number with a volatile write after inserting), and a concurrently written word can
 * only show a superset of its older bits, so a visible entry is never filtered out.
 */
final class MemtableBloom {

    static final int PROBES = 6;
    private static final int BLOCK_BITS = 512;
    private static final int WORDS_PER_BLOCK = BLOCK_BITS / Long.SIZE;

    private final long[] words;
    private final long blocks;

    /** Creates a filter of about {@code bits} bits (whole blocks, at least one, at most 2 Gbit). */
    MemtableBloom(final long bits) {
        final int n = (int) Math.min(Math.max(1, bits / BLOCK_BITS), 1 << 22);
        this.words = new long[n * WORDS_PER_BLOCK];
        this.blocks = n;
    }

    /** Bytes held. */
    long memoryBytes() {
        return (long) words.length * Long.BYTES;
    }

    private int blockBase(final long hash) {
        final long g = (hash * 0x9E3779B97F4A7C15L) >>> 32;
        return (int) ((g * blocks) >>> 32) * WORDS_PER_BLOCK;
    }

    /** Records a key by its 64-bit hash. Requires: the caller is the only writer. */
    void add(final long hash) {
        final int base = blockBase(hash);
        long h = hash;
        for (int i = 0; i < PROBES; i++) {
            final int bit = (int) h & (BLOCK_BITS - 1);
            words[base + (bit >>> 6)] |= 1L << bit;
            h >>>= 9;
        }
    }

    /** Returns false only if no key with this hash was added. */
    boolean mayContain(final long hash) {
        final int base = blockBase(hash);
        long h = hash;
        for (int i = 0; i < PROBES; i++) {
            final int bit = (int) h & (BLOCK_BITS - 1);
            if ((words[base + (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
            h >>>= 9;
        }
        return true;
    }
}
