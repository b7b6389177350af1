package org.tinykv.server.storage;

import org.tinykv.lsm.DbIterator;
import org.tinykv.txn.engine.EngineIterator;

/**
 * The transaction layer's forward {@link EngineIterator} over an lsm {@link DbIterator} (already bounded as the
 * caller needs: a standalone snapshot's range or a region's). Closing it closes the engine iterator.
 *
 * <p>Thread-safety: confined to one thread, like the iterator it wraps.
 */
public final class DbEngineIterator implements EngineIterator {
    private final DbIterator iterator;

    /** Wraps {@code iterator}, which this object now owns. */
    public DbEngineIterator(final DbIterator iterator) {
        this.iterator = iterator;
    }

    @Override
    public void seek(final byte[] key) {
        iterator.seek(key);
    }

    @Override
    public boolean valid() {
        return iterator.valid();
    }

    @Override
    public void next() {
        iterator.next();
    }

    @Override
    public byte[] key() {
        return iterator.key();
    }

    @Override
    public byte[] value() {
        return iterator.value();
    }

    @Override
    public void close() {
        iterator.close();
    }
}
