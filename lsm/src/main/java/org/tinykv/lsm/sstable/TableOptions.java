package org.tinykv.lsm.sstable;

/**
 * How a table is built.
 *
 * @param blockSize        target uncompressed data block size in bytes
 * @param restartInterval  entries between restart points in data blocks
 * @param bloomBitsPerKey  bloom filter bits per key; 0 disables the filter
 * @param compression      data block compression
 */
public record TableOptions(int blockSize, int restartInterval, int bloomBitsPerKey, Compression compression) {

    /** 4 KiB blocks, restart every 16, 10 bits a key, LZ4. */
    public static TableOptions defaults() {
        return new TableOptions(4096, 16, 10, Compression.LZ4);
    }

    /** Returns a copy with another compression. */
    public TableOptions withCompression(final Compression c) {
        return new TableOptions(blockSize, restartInterval, bloomBitsPerKey, c);
    }

    /** Checks ranges; throws IllegalArgumentException. */
    public TableOptions validate() {
        if (blockSize < 256 || blockSize > (64 << 20) || restartInterval < 1 || bloomBitsPerKey < 0
            || bloomBitsPerKey > 64 || compression == null) {
            throw new IllegalArgumentException("bad table options " + this);
        }
        return this;
    }
}
