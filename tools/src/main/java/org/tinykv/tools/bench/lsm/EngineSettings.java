package org.tinykv.tools.bench.lsm;

/**
 * The settings both engines are opened with, so that the comparison is like for like: WAL on, LZ4 on every level,
 * {@code blockBytes} data blocks, a bloom filter of {@code bloomBitsPerKey} bits per key, a memtable of
 * {@code memtableBytes} and a block cache of {@code blockCacheBytes}.
 *
 * @param memtableBytes   write buffer size per column family, bytes (&gt; 0)
 * @param blockCacheBytes block cache capacity, bytes (&gt;= 0)
 * @param blockBytes      target uncompressed data block size, bytes (&gt; 0)
 * @param bloomBitsPerKey bloom filter bits per key (&gt; 0)
 */
record EngineSettings(long memtableBytes, long blockCacheBytes, int blockBytes, int bloomBitsPerKey) {

    /** The settings the issue asks for: 64 MiB memtable, 64 MiB block cache, 4 KiB blocks, 10 bits/key. */
    static EngineSettings matched() {
        return new EngineSettings(64L << 20, 64L << 20, 4096, 10);
    }

    EngineSettings {
        if (memtableBytes <= 0 || blockCacheBytes < 0 || blockBytes <= 0 || bloomBitsPerKey <= 0) {
            throw new IllegalArgumentException("invalid engine settings: memtable=" + memtableBytes + " cache="
                + blockCacheBytes + " block=" + blockBytes + " bloomBits=" + bloomBitsPerKey);
        }
    }
}
