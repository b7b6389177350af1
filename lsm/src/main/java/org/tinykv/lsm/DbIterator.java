package org.tinykv.lsm;

import java.nio.ByteBuffer;

/**
 * A cursor over the visible user entries of one column family, at a snapshot, within optional bounds. Failures to
 * read (including detected corruption) are thrown as {@link java.io.UncheckedIOException}.
 *
 * <p>Besides {@link #key()} and {@link #value()}, which return fresh arrays, the current entry can be read without
 * copies: {@link #keyLength()}, {@link #valueLength()}, {@link #keyView()}, {@link #valueView()} (read-only views of
 * the engine's buffers) and {@link #copyKeyTo}/{@link #copyValueTo} (into the caller's array). Views are valid only
 * until the next positioning call, the next view call or {@link #close()}; keep a copy of what must outlive that.
 * The engine's iterators implement them without allocating per entry (views are reused buffer objects,
 * repositioned); the defaults here fall back to {@link #key()}/{@link #value()} for other implementations.
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

    /** The length of the current key. Requires: {@link #valid()}. */
    default int keyLength() {
        return key().length;
    }

    /** The length of the current value. Requires: {@link #valid()}. */
    default int valueLength() {
        return value().length;
    }

    /**
     * The current key as the remaining bytes ({@code position()} to {@code limit()}) of a read-only buffer sharing
     * the iterator's storage; read it with relative gets or absolute gets from {@code position()}. The iterator may
     * hand out the same buffer object again, repositioned: it is valid only until the next positioning call, the
     * next view call or close. Requires: {@link #valid()}.
     */
    default ByteBuffer keyView() {
        return ByteBuffer.wrap(key()).asReadOnlyBuffer();
    }

    /**
     * The current value as the remaining bytes of a read-only buffer sharing the table block or memtable storage,
     * with the same validity rules as {@link #keyView()}. Requires: {@link #valid()}.
     */
    default ByteBuffer valueView() {
        return ByteBuffer.wrap(value()).asReadOnlyBuffer();
    }

    /**
     * Copies the current key into {@code dst} at {@code offset} and returns its length. Requires: {@link #valid()}
     * and room for {@link #keyLength()} bytes ({@link IndexOutOfBoundsException} otherwise).
     */
    default int copyKeyTo(final byte[] dst, final int offset) {
        final byte[] k = key();
        System.arraycopy(k, 0, dst, offset, k.length);
        return k.length;
    }

    /**
     * Copies the current value into {@code dst} at {@code offset} and returns its length. Requires:
     * {@link #valid()} and room for {@link #valueLength()} bytes ({@link IndexOutOfBoundsException} otherwise).
     */
    default int copyValueTo(final byte[] dst, final int offset) {
        final byte[] v = value();
        System.arraycopy(v, 0, dst, offset, v.length);
        return v.length;
    }

    /** Releases the pinned files. */
    @Override
    void close();
}
