package org.tinykv.lsm.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.key.Lookup;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.sstable.BloomFilter;

/**
 * The memtable's whole-key bloom filter: no false negatives (every added key is found through the memtable), few
 * false positives, and a filtered memtable answers lookups exactly like an unfiltered one. Replay with
 * {@code -Dlsm.seed=}.
 */
class MemtableBloomTest {

    private static byte[] key(final long n) {
        return String.format("%016d", n).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void addedKeysAreNeverFilteredAndAbsentOnesMostlyAre() {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        System.out.println("MemtableBloomTest seed=" + seed);
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int n = 20_000;
        final MemtableBloom bloom = new MemtableBloom(n * 16L);
        final long[] added = new long[n];
        for (int i = 0; i < n; i++) {
            final byte[] k = key(rnd.nextLong(1L << 40) * 2);
            added[i] = BloomFilter.hash(k, 0, k.length);
            bloom.add(added[i]);
        }
        for (final long h : added) {
            assertTrue(bloom.mayContain(h), "seed=" + seed);
        }
        int positives = 0;
        final int probes = 100_000;
        for (int i = 0; i < probes; i++) {
            final byte[] k = key(rnd.nextLong(1L << 40) * 2 + 1);
            if (bloom.mayContain(BloomFilter.hash(k, 0, k.length))) {
                positives++;
            }
        }
        assertTrue(positives < probes / 50, "false positive rate " + positives + "/" + probes + " seed=" + seed);
        assertEquals(n * 16L / 8, bloom.memoryBytes());
    }

    @Test
    void filteredMemtableAnswersLikeAnUnfilteredOne() {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        final SplittableRandom rnd = new SplittableRandom(seed);
        final Memtable plain = new Memtable(seed, 1 << 16);
        final Memtable filtered = new Memtable(seed, 1 << 16, 4096);
        long seq = 1;
        for (int i = 0; i < 3000; i++) {
            final byte[] k = key(rnd.nextInt(5000));
            final byte[] v = ("v" + seq).getBytes(StandardCharsets.UTF_8);
            final ValueKind kind = rnd.nextInt(5) == 0 ? ValueKind.DELETE : ValueKind.PUT;
            plain.add(seq, kind, k, v);
            filtered.add(seq, kind, k, v);
            seq++;
        }
        assertTrue(filtered.approximateMemoryBytes() > plain.approximateMemoryBytes(), "the filter is accounted");
        for (int i = 0; i < 6000; i++) {
            final byte[] k = key(i);
            final long snapshot = 1 + rnd.nextLong(seq);
            final Lookup a = new Lookup(k, snapshot);
            final Lookup b = new Lookup(k, snapshot);
            plain.get(a);
            filtered.get(b);
            assertEquals(a.isFound(), b.isFound(), "key " + i + " seed=" + seed);
            if (a.result() == null) {
                assertNull(b.result());
            } else {
                assertArrayEquals(a.result(), b.result(), "key " + i + " seed=" + seed);
            }
        }
    }
}
