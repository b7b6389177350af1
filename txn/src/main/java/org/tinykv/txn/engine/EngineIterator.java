package org.tinykv.txn.engine;

/**
 * A forward iterator over one column family of an {@link EngineSnapshot}, in unsigned lexicographic key order,
 * restricted to its bounds. Confined to one thread; must be closed. Returned arrays must not be modified.
 */
public interface EngineIterator extends AutoCloseable {
    /** Positions at the first key {@code >= key} (and {@code >=} the lower bound). */
    void seek(byte[] key);

    /** Whether the iterator is positioned at an entry. */
    boolean valid();

    /** Moves to the next entry. Requires: {@link #valid()}. */
    void next();

    /** The current key. Requires: {@link #valid()}. */
    byte[] key();

    /** The current value. Requires: {@link #valid()}. */
    byte[] value();

    @Override
    void close();
}
