package org.tinykv.lsm;

/**
 * A cursor over the visible user entries of one column family, at a snapshot, within optional bounds. Failures to
 * read (including detected corruption) are thrown as {@link java.io.UncheckedIOException}.
 *
 * <p>Thread-safety: confined to one thread. Must be closed: it pins table files.
 */
public interface DbIterator extends AutoCloseable {

    /** Whether the cursor is at an entry. */
    boolean valid();

    /** Positions at the first entry (at or after the lower bound). */
    void seekToFirst();

    /** Positions at the last entry (before the upper bound). */
    void seekToLast();

    /** Positions at the first key {@code >= target}. */
    void seek(byte[] target);

    /** Positions at the last key {@code <= target}. */
    void seekForPrev(byte[] target);

    /** Moves to the next key. Requires: {@link #valid()}. */
    void next();

    /** Moves to the previous key. Requires: {@link #valid()}. */
    void prev();

    /** The current key (a fresh array). Requires: {@link #valid()}. */
    byte[] key();

    /** The current value (a fresh array). Requires: {@link #valid()}. */
    byte[] value();

    /** Releases the pinned files. */
    @Override
    void close();
}
