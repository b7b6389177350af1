package org.tinykv.tools.bench.txn;

/**
 * Where the benchmark's transactions get their start and commit timestamps (TinyKV's 64-bit TSO format: physical
 * milliseconds shifted left 18 bits, plus a logical counter). Implementations are thread-safe and return strictly
 * increasing values.
 */
interface TimestampSource extends AutoCloseable {
    /** A timestamp greater than every one this source returned before. */
    long next();

    @Override
    void close();
}
