package org.tinykv.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.Lookup;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** Builds tables with every compression and checks forward, backward, seek and get against the input. */
class TableRoundTripTest {

    @Test
    void roundTripEveryCompression() throws Exception {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        for (final Compression c : Compression.values()) {
            try {
                roundTrip(new Random(seed), c);
            } catch (final Throwable t) {
                throw new AssertionError("failed with -Dlsm.seed=" + seed + " compression " + c, t);
            }
        }
    }

    /**
     * A sequential scan reads its blocks through the readahead buffer into one reused block buffer and leaves the
     * block cache alone (only the blocks read before the scan was detected are cached); every entry is still right.
     */
    @Test
    void scansDoNotFillTheBlockCache() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        final Path p = Path.of("/s.sst");
        final int n = 5000;
        writeNumberedTable(fs, p, n);
        final org.tinykv.lsm.cache.BlockCache cache = new org.tinykv.lsm.cache.BlockCache(16 << 20);
        try (TableReader t = TableReader.open(fs.openRandomAccess(p), 7, cache, -1)) {
            scanNumberedTable(t, n);
            assertTrue(cache.misses() > 100, "the table has many blocks");
            assertTrue(cache.usedBytes() <= TableReader.Readahead.READAHEAD_AFTER * 1024L,
                "only the blocks before readahead started are cached: " + cache.usedBytes());
        }
    }

    /**
     * A scan over a table whose blocks are partly cached (runs of cached and uncached blocks) keeps reading ahead
     * past the cached runs instead of restarting its detection, so it caches no more than before it began.
     */
    @Test
    void scansReadAheadPastCachedBlocks() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        final Path p = Path.of("/c.sst");
        final int n = 5000;
        writeNumberedTable(fs, p, n);
        final org.tinykv.lsm.cache.BlockCache cache = new org.tinykv.lsm.cache.BlockCache(16 << 20);
        try (TableReader t = TableReader.open(fs.openRandomAccess(p), 8, cache, -1)) {
            for (int i = 0; i < n; i++) {
                if ((i / 40) % 2 == 0) {
                    final byte[] user = String.format("key%06d", i).getBytes(StandardCharsets.UTF_8);
                    t.get(new Lookup(user, Long.MAX_VALUE >>> 8), BloomFilter.hash(user, 0, user.length));
                }
            }
            final long cachedBefore = cache.usedBytes();
            assertTrue(cachedBefore > 20 * 512, "the gets cached runs of blocks: " + cachedBefore);
            scanNumberedTable(t, n);
            assertTrue(cache.usedBytes() - cachedBefore <= TableReader.Readahead.READAHEAD_AFTER * 1024L,
                "the scan cached blocks between the cached runs: " + (cache.usedBytes() - cachedBefore));
        }
    }

    /** Scans a table of {@link #writeNumberedTable} and checks every entry. */
    private static void scanNumberedTable(final TableReader t, final int n) throws Exception {
        final InternalIterator it = t.iterator(true);
        int i = 0;
        for (it.seekToFirst(); it.valid(); it.next(), i++) {
            assertEquals(String.format("key%06d", i), new String(it.keyArray(), it.keyOffset(), it.keyLength() - 8,
                StandardCharsets.UTF_8));
            assertEquals("value-" + i + "-" + "z".repeat(i % 50), new String(it.valueArray(), it.valueOffset(),
                it.valueLength(), StandardCharsets.UTF_8));
        }
        assertEquals(n, i);
    }

    private static void writeNumberedTable(final MemFileSystem fs, final Path p, final int n) throws Exception {
        try (WritableFile f = fs.create(p)) {
            final TableBuilder tb = new TableBuilder(f, new TableOptions(512, 16, 10, Compression.LZ4));
            for (int i = 0; i < n; i++) {
                final byte[] ik = InternalKey.encode(String.format("key%06d", i).getBytes(StandardCharsets.UTF_8),
                    i + 1, ValueKind.PUT.code());
                final byte[] v = ("value-" + i + "-" + "z".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
                tb.add(ik, 0, ik.length, v, 0, v.length);
            }
            tb.finish();
            f.sync();
        }
    }

    private void roundTrip(final Random rnd, final Compression compression) throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        final Path p = Path.of("/t.sst");
        final TreeMap<byte[], byte[]> entries = new TreeMap<>(KeyComparator.INTERNAL);
        final int n = 1 + rnd.nextInt(3000);
        for (int i = 0; i < n; i++) {
            final byte[] user = String.format("key%06d", rnd.nextInt(5000)).getBytes(StandardCharsets.UTF_8);
            final byte[] ik = InternalKey.encode(user, 1 + rnd.nextInt(1000), ValueKind.PUT.code());
            entries.put(ik, ("value-" + i + "-" + "z".repeat(rnd.nextInt(100))).getBytes(StandardCharsets.UTF_8));
        }
        try (WritableFile f = fs.create(p)) {
            final TableBuilder tb = new TableBuilder(f, new TableOptions(256 + rnd.nextInt(4096), 1 + rnd.nextInt(16),
                10, compression));
            for (final var e : entries.entrySet()) {
                tb.add(e.getKey(), 0, e.getKey().length, e.getValue(), 0, e.getValue().length);
            }
            tb.addRangeTombstone("a".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8), 7);
            final TableProperties props = tb.finish();
            assertEquals(entries.size(), props.entries());
            f.sync();
        }
        try (TableReader t = TableReader.open(fs.openRandomAccess(p), 1, null, -1)) {
            assertEquals(1, t.rangeTombstones().tombstones().size());
            final List<byte[]> keys = new ArrayList<>(entries.keySet());
            final InternalIterator it = t.iterator(true);
            it.seekToFirst();
            for (final byte[] k : keys) {
                assertTrue(it.valid());
                assertArrayEquals(k, java.util.Arrays.copyOfRange(it.keyArray(), it.keyOffset(),
                    it.keyOffset() + it.keyLength()));
                assertArrayEquals(entries.get(k), java.util.Arrays.copyOfRange(it.valueArray(), it.valueOffset(),
                    it.valueOffset() + it.valueLength()));
                it.next();
            }
            assertFalse(it.valid());
            it.seekToLast();
            for (int i = keys.size() - 1; i >= 0; i--) {
                assertTrue(it.valid(), "backward at " + i);
                assertArrayEquals(keys.get(i), java.util.Arrays.copyOfRange(it.keyArray(), it.keyOffset(),
                    it.keyOffset() + it.keyLength()), "backward at " + i);
                it.prev();
            }
            assertFalse(it.valid());
            for (int i = 0; i < 200; i++) {
                final byte[] user = String.format("key%06d", rnd.nextInt(5200)).getBytes(StandardCharsets.UTF_8);
                final byte[] target = InternalKey.seekKey(user, 500);
                it.seek(target);
                final byte[] want = entries.ceilingKey(target);
                if (want == null) {
                    assertFalse(it.valid());
                } else {
                    assertArrayEquals(want, java.util.Arrays.copyOfRange(it.keyArray(), it.keyOffset(),
                        it.keyOffset() + it.keyLength()));
                    it.prev();
                    final byte[] before = entries.lowerKey(want);
                    assertEquals(before == null, !it.valid());
                }
                final Lookup lookup = new Lookup(user, 500);
                t.get(lookup, BloomFilter.hash(user, 0, user.length));
                final byte[] floor = entries.ceilingKey(target);
                final boolean exists = floor != null && KeyComparator.sameUserKey(floor, 0, floor.length,
                    target, 0, target.length);
                if (exists) {
                    assertArrayEquals(entries.get(floor), lookup.result());
                } else {
                    assertNull(lookup.result());
                }
            }
        }
    }
}
