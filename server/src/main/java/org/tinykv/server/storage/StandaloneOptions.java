package org.tinykv.server.storage;

/**
 * Tuning of the standalone store's engine.
 *
 * @param memtableBytes   bytes of one memtable before it is flushed to an SSTable (at least 1 MiB)
 * @param blockCacheBytes bytes of the engine's block cache (0 disables it)
 */
public record StandaloneOptions(long memtableBytes, long blockCacheBytes) {

    /** The defaults: 32 MiB memtables and a 64 MiB block cache, which keep an idle store well under 256 MiB. */
    public static StandaloneOptions defaults() {
        return new StandaloneOptions(32L << 20, 64L << 20);
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public StandaloneOptions validate() {
        if (memtableBytes < (1L << 20)) {
            throw new IllegalArgumentException("memtable-bytes must be at least 1 MiB, got " + memtableBytes);
        }
        if (blockCacheBytes < 0) {
            throw new IllegalArgumentException("block-cache-bytes must not be negative, got " + blockCacheBytes);
        }
        return this;
    }
}
