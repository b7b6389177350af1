package org.tinykv.lsm.sstable;

import java.util.Arrays;

/**
 * A whole-table bloom filter over user keys with double hashing. Layout: the bit array followed by one byte holding
 * the probe count k. See docs/formats/sst.md (filter block).
 *
 * <p>Thread-safety: the builder is confined to one thread; {@link #mayContain} is safe.
 */
public final class BloomFilter {

    private BloomFilter() {
    }

    /** A 64-bit hash of a user key (multiply-xorshift over 8-byte words); part of the on-disk format. */
    public static long hash(final byte[] key, final int off, final int len) {
        long h = 0x9E3779B97F4A7C15L ^ (len * 0xC2B2AE3D27D4EB4FL);
        int i = off;
        final int end = off + len;
        while (i + 8 <= end) {
            long w = 0;
            for (int j = 7; j >= 0; j--) {
                w = (w << 8) | (key[i + j] & 0xff);
            }
            h = mix(h ^ w);
            i += 8;
        }
        long w = 0;
        int shift = 0;
        while (i < end) {
            w |= (long) (key[i++] & 0xff) << shift;
            shift += 8;
        }
        return mix(h ^ w ^ 0x165667B19E3779F9L);
    }

    private static long mix(final long x) {
        long z = x * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 29);
    }

    /** Builds a filter for the given key hashes with {@code bitsPerKey} bits a key. */
    public static byte[] build(final long[] hashes, final int count, final int bitsPerKey) {
        int k = (int) Math.round(bitsPerKey * 0.69);
        k = Math.max(1, Math.min(30, k));
        long bits = Math.max(64L, (long) count * bitsPerKey);
        final int bytes = (int) Math.min(Integer.MAX_VALUE - 16, (bits + 7) / 8);
        bits = (long) bytes * 8;
        final byte[] out = new byte[bytes + 1];
        out[bytes] = (byte) k;
        for (int n = 0; n < count; n++) {
            final long h = hashes[n];
            final long delta = (h >>> 33) | (h << 31);
            long x = h;
            for (int j = 0; j < k; j++) {
                final long pos = Long.remainderUnsigned(x, bits);
                out[(int) (pos >>> 3)] |= (byte) (1 << (pos & 7));
                x += delta;
            }
        }
        return out;
    }

    /** Returns false only if the key whose hash is {@code h} was certainly not added. */
    public static boolean mayContain(final byte[] filter, final long h) {
        if (filter.length < 2) {
            return true;
        }
        final int bytes = filter.length - 1;
        final int k = filter[bytes] & 0xff;
        if (k < 1 || k > 30) {
            return true;
        }
        final long bits = (long) bytes * 8;
        final long delta = (h >>> 33) | (h << 31);
        long x = h;
        for (int j = 0; j < k; j++) {
            final long pos = Long.remainderUnsigned(x, bits);
            if ((filter[(int) (pos >>> 3)] & (1 << (pos & 7))) == 0) {
                return false;
            }
            x += delta;
        }
        return true;
    }

    /** Grows a hash buffer. */
    static long[] grow(final long[] hashes) {
        return Arrays.copyOf(hashes, Math.max(1024, hashes.length * 2));
    }
}
