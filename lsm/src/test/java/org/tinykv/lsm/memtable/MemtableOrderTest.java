package org.tinykv.lsm.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.ValueKind;

/**
 * The skip list's sequential-insert hint and the 8-byte key comparison keep the exact internal-key order: runs of
 * ascending keys mixed with random ones, keys of every length 0..20 (prefixes of each other), iterate sorted.
 * Replay with {@code -Dlsm.seed=}.
 */
class MemtableOrderTest {

    @Test
    void sequentialAndRandomInsertsIterateInOrder() throws Exception {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        final Random rnd = new Random(seed);
        final Memtable m = new Memtable(seed, 1 << 16);
        final TreeMap<byte[], byte[]> model = new TreeMap<>(KeyComparator.INTERNAL);
        long seq = 1;
        for (int run = 0; run < 200; run++) {
            final boolean ascending = rnd.nextBoolean();
            int base = rnd.nextInt(100_000);
            for (int i = 0, n = 1 + rnd.nextInt(40); i < n; i++) {
                final byte[] key = ascending ? key(base++, rnd) : key(rnd.nextInt(100_000), rnd);
                final byte[] value = ("v" + seq).getBytes(StandardCharsets.UTF_8);
                final ValueKind kind = rnd.nextInt(8) == 0 ? ValueKind.DELETE : ValueKind.PUT;
                m.add(seq, kind, key, 0, key.length, value, 0, kind == ValueKind.DELETE ? 0 : value.length);
                model.put(InternalKey.encode(key, seq, kind.code()),
                    kind == ValueKind.DELETE ? new byte[0] : value);
                seq++;
            }
        }
        final List<byte[]> got = new ArrayList<>();
        try (InternalIterator it = m.iterator()) {
            it.seekToFirst();
            for (final var e : model.entrySet()) {
                assertTrue(it.valid(), "seed=" + seed);
                final byte[] k = java.util.Arrays.copyOfRange(it.keyArray(), it.keyOffset(),
                    it.keyOffset() + it.keyLength());
                assertArrayEquals(e.getKey(), k, "seed=" + seed);
                assertArrayEquals(e.getValue(), java.util.Arrays.copyOfRange(it.valueArray(), it.valueOffset(),
                    it.valueOffset() + it.valueLength()), "seed=" + seed);
                got.add(k);
                it.next();
            }
            assertTrue(!it.valid(), "seed=" + seed);
        }
        assertEquals(model.size(), got.size());
    }

    private static byte[] key(final int n, final Random rnd) {
        final byte[] digits = String.format("%020d", n).getBytes(StandardCharsets.UTF_8);
        final int len = rnd.nextInt(4) == 0 ? rnd.nextInt(21) : 20;
        return java.util.Arrays.copyOf(digits, len);
    }

    @Test
    void byteComparisonMatchesUnsignedOrder() {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        final Random rnd = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            final byte[] a = new byte[rnd.nextInt(20)];
            final byte[] b = new byte[rnd.nextInt(20)];
            rnd.nextBytes(a);
            rnd.nextBytes(b);
            if (rnd.nextBoolean()) {
                System.arraycopy(a, 0, b, 0, Math.min(a.length, b.length));
            }
            assertEquals(Integer.signum(java.util.Arrays.compareUnsigned(a, b)),
                Integer.signum(KeyComparator.compareBytes(a, 0, a.length, b, 0, b.length)), "seed=" + seed);
        }
    }
}
