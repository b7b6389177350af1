package org.tinykv.tools.bench.lsm;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Values as {@code db_bench}'s {@code RandomGenerator} makes them: a 1 MiB pool filled, piece by piece, with
 * seeded random printable bytes that compress to about half their size (each 100-byte piece is a random run of
 * {@code 50} bytes repeated), and values taken as consecutive slices of the pool.
 *
 * <p>Thread-safety: not thread-safe; give each thread its own generator (they may share a seed).
 */
final class ValueGenerator {

    private static final int POOL_BYTES = 1 << 20;
    private static final int PIECE_BYTES = 100;
    private static final double COMPRESSION_RATIO = 0.5;

    private final byte[] pool;
    private final int valueBytes;
    private int position;

    /**
     * @param valueBytes size of each value, 1..{@code 1 MiB}
     * @param seed       seed of the pool's contents
     */
    ValueGenerator(final int valueBytes, final long seed) {
        if (valueBytes < 1 || valueBytes > POOL_BYTES) {
            throw new IllegalArgumentException("value size must be 1.." + POOL_BYTES + " bytes, got " + valueBytes);
        }
        this.valueBytes = valueBytes;
        final int poolBytes = Math.max(POOL_BYTES, valueBytes * 2);
        this.pool = new byte[poolBytes];
        final SplittableRandom random = new SplittableRandom(seed);
        final int runBytes = Math.max(1, (int) (PIECE_BYTES * COMPRESSION_RATIO));
        final byte[] run = new byte[runBytes];
        for (int at = 0; at < poolBytes; at += PIECE_BYTES) {
            for (int i = 0; i < runBytes; i++) {
                run[i] = (byte) (' ' + random.nextInt(95));
            }
            final int end = Math.min(poolBytes, at + PIECE_BYTES);
            for (int i = at; i < end; i++) {
                pool[i] = run[(i - at) % runBytes];
            }
        }
    }

    /** A fresh array holding the next value. */
    byte[] next() {
        if (position + valueBytes > pool.length) {
            position = 0;
        }
        final byte[] value = Arrays.copyOfRange(pool, position, position + valueBytes);
        position += valueBytes;
        return value;
    }
}
