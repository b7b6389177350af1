package org.tinykv.lsm.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.sstable.Block;
import org.tinykv.lsm.sstable.BlockBuilder;

/**
 * The block cache against a model map: a cached block is the one put last at its key, evicted keys miss, evictFile
 * drops exactly one file's blocks, and the bytes stay within the capacity. Replay with {@code -Dlsm.seed=}.
 */
class BlockCacheTest {

    private static Block block(final int entries) throws Exception {
        final BlockBuilder b = new BlockBuilder(16);
        for (int i = 0; i < entries; i++) {
            final byte[] key = String.format("key%06d-trailer", i).getBytes();
            b.add(key, 0, key.length, new byte[20], 0, 20);
        }
        return new Block(b.finish(), "test", 0);
    }

    @Test
    void behavesLikeABoundedMap() throws Exception {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        final Random rnd = new Random(seed);
        final Block[] blocks = {block(1), block(10), block(40)};
        final long capacity = 64L * 1024;
        final BlockCache cache = new BlockCache(capacity);
        final Map<Long, Block> model = new HashMap<>();
        for (int op = 0; op < 20_000; op++) {
            final long file = 1 + rnd.nextInt(20);
            final long offset = 4096L * rnd.nextInt(50);
            final long key = file << 20 | offset;
            final int choice = rnd.nextInt(10);
            if (choice < 5) {
                final Block b = blocks[rnd.nextInt(blocks.length)];
                cache.put(file, offset, b);
                model.put(key, b);
            } else if (choice < 9) {
                final Block got = cache.get(file, offset);
                if (got != null) {
                    assertSame(model.get(key), got, "seed=" + seed + " op=" + op);
                }
            } else {
                cache.evictFile(file);
                model.keySet().removeIf(k -> k >>> 20 == file);
                assertNull(cache.get(file, offset), "seed=" + seed);
            }
            assertTrue(cache.usedBytes() <= capacity, "seed=" + seed + " used " + cache.usedBytes());
        }
        long held = 0;
        for (final Map.Entry<Long, Block> e : model.entrySet()) {
            final Block got = cache.get(e.getKey() >>> 20, e.getKey() & ((1 << 20) - 1));
            if (got != null) {
                assertSame(e.getValue(), got, "seed=" + seed);
                held += got.chargeBytes();
            }
        }
        assertEquals(held, cache.usedBytes(), "seed=" + seed + ": bytes accounted equal the blocks reachable");
    }

    @Test
    void hitsAfterPutAndNothingForUncacheableKeys() throws Exception {
        final BlockCache cache = new BlockCache(1 << 20);
        final Block b = block(3);
        cache.put(7, 100, b);
        cache.put(-1, 100, b);
        assertSame(b, cache.get(7, 100));
        assertNull(cache.get(-1, 100));
        assertNull(cache.get(7, 101));
        assertEquals(1, cache.hits());
        assertEquals(2, cache.misses());
        final BlockCache none = new BlockCache(0);
        none.put(7, 100, b);
        assertNull(none.get(7, 100));
    }
}
