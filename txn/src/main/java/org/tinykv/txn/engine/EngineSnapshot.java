package org.tinykv.txn.engine;

/**
 * A consistent, immutable view of the engine: every read sees exactly the writes that completed before the
 * snapshot was taken. A snapshot taken for a region exposes only that region's keys (in encoded key space; keys
 * outside it read as absent and iterators stop at the region's end). Thread-safe for reads; must be closed.
 */
public interface EngineSnapshot extends AutoCloseable {
    /** The value of {@code key} in {@code cf}, or {@code null} if absent. */
    byte[] get(TxnCf cf, byte[] key);

    /** Whether {@code key} (in encoded key space) is in the range this snapshot serves. */
    default boolean covers(byte[] key) {
        return true;
    }

    /**
     * An iterator over {@code cf}, restricted to {@code [lower, upper)}; a {@code null} bound is unbounded.
     * The iterator is unpositioned until {@link EngineIterator#seek} is called.
     */
    EngineIterator iterator(TxnCf cf, byte[] lower, byte[] upper);

    @Override
    void close();
}
