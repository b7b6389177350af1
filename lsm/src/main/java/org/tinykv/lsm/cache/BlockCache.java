package org.tinykv.lsm.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.LongAdder;
import org.tinykv.lsm.sstable.Block;

/**
 * A cache of decoded blocks bounded in bytes (Caffeine, weighted by block size), shared by every table and column
 * family of a Db. Keys are (file number, block offset).
 *
 * <p>Thread-safety: safe.
 */
public final class BlockCache {

    private final Cache<Key, Block> cache;
    private final long capacityBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    private record Key(long fileNumber, long offset) {
    }

    /** Creates a cache holding at most about {@code capacityBytes} bytes of blocks. */
    public BlockCache(final long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.cache = Caffeine.newBuilder()
            .maximumWeight(capacityBytes)
            .weigher((Key k, Block b) -> b.chargeBytes())
            .executor(Runnable::run)
            .build();
    }

    /** Returns the cached block or null, counting a hit or a miss. */
    public Block get(final long fileNumber, final long offset) {
        final Block b = cache.getIfPresent(new Key(fileNumber, offset));
        if (b == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return b;
    }

    /** Caches a block. */
    public void put(final long fileNumber, final long offset, final Block block) {
        cache.put(new Key(fileNumber, offset), block);
    }

    /** Drops every block of a file (called when the file is deleted). */
    public void evictFile(final long fileNumber) {
        cache.asMap().keySet().removeIf(k -> k.fileNumber() == fileNumber);
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
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** The configured capacity. */
    public long capacityBytes() {
        return capacityBytes;
    }
}
