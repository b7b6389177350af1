package org.tinykv.lsm.iterator;

import java.io.Closeable;
import java.io.IOException;

/**
 * A cursor over internal entries (internal key, value) in internal-key order, the common shape of memtable, block,
 * table, level and merging iterators.
 *
 * <p>Keys and values are exposed as array ranges that stay valid only until the next positioning call: callers copy
 * what they keep. Positioning methods may read from disk and report corruption as
 * {@link org.tinykv.wal.CorruptionException}.
 *
 * <p>Thread-safety: confined to one thread.
 */
public interface InternalIterator extends Closeable {

    /** Returns whether the cursor is at an entry. */
    boolean valid();

    /** Positions at the first entry. */
    void seekToFirst() throws IOException;

    /** Positions at the last entry. */
    void seekToLast() throws IOException;

    /** Positions at the first entry whose internal key is {@code >= target}. */
    void seek(byte[] target) throws IOException;

    /** Moves to the next entry. Requires: {@link #valid()}. */
    void next() throws IOException;

    /** Moves to the previous entry. Requires: {@link #valid()}. */
    void prev() throws IOException;

    /** The array holding the current internal key. Requires: {@link #valid()}. */
    byte[] keyArray();

    /** The offset of the current internal key in {@link #keyArray()}. */
    int keyOffset();

    /** The length of the current internal key. */
    int keyLength();

    /** The array holding the current value. Requires: {@link #valid()}. */
    byte[] valueArray();

    /** The offset of the current value in {@link #valueArray()}. */
    int valueOffset();

    /** The length of the current value. */
    int valueLength();

    /** Positions at the last entry whose internal key is {@code <= target}. */
    default void seekForPrev(final byte[] target) throws IOException {
        seek(target);
        if (!valid()) {
            seekToLast();
        } else if (org.tinykv.lsm.key.KeyComparator.compareInternal(keyArray(), keyOffset(), keyLength(),
            target, 0, target.length) > 0) {
            prev();
        }
    }

    /** Releases resources (pinned tables, blocks). */
    @Override
    default void close() throws IOException {
    }
}
