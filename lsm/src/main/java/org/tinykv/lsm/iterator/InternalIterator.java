package org.tinykv.lsm.iterator;

import java.io.Closeable;
import java.io.IOException;
import org.tinykv.lsm.key.KeyComparator;

/**
 * A cursor over internal entries (internal key, value) in internal-key order, the common shape of memtable, block,
 * table, level and merging iterators.
 *
 * <p>Keys and values are exposed as array ranges that stay valid only until the next positioning call: callers copy
 * what they keep. Positioning methods may read from disk and report corruption as
 * {@link org.tinykv.wal.CorruptionException}.
 *
 * <p>Why an abstract class and not an interface: every implementation publishes its current entry into the fields
 * below after each positioning call, so reading the entry is a field load on any iterator. A merging iterator's
 * children are of three or more classes; through interface calls, its seven accessor reads per entry were
 * megamorphic calls whose inlining the JIT decided differently from run to run, and a sequential scan ran at either
 * about 150 or about 350 ns per entry depending on that outcome. Only the positioning calls are dispatched now.
 *
 * <p>Thread-safety: confined to one thread.
 */
public abstract class InternalIterator implements Closeable {

    private boolean valid;
    private byte[] keyArray;
    private int keyOffset;
    private int keyLength;
    private byte[] valueArray;
    private int valueOffset;
    private int valueLength;

    /** Publishes the entry the cursor is now at. */
    protected final void setEntry(final byte[] keys, final int keyOff, final int keyLen, final byte[] values,
                                  final int valueOff, final int valueLen) {
        valid = true;
        keyArray = keys;
        keyOffset = keyOff;
        keyLength = keyLen;
        valueArray = values;
        valueOffset = valueOff;
        valueLength = valueLen;
    }

    /** Publishes that the cursor is at no entry. */
    protected final void setInvalid() {
        valid = false;
        keyArray = null;
        valueArray = null;
    }

    /** Publishes {@code source}'s current entry (or its invalidity) as this cursor's. */
    protected final void setEntryOf(final InternalIterator source) {
        if (source == null || !source.valid) {
            setInvalid();
        } else {
            setEntry(source.keyArray, source.keyOffset, source.keyLength, source.valueArray, source.valueOffset,
                source.valueLength);
        }
    }

    /** Returns whether the cursor is at an entry. */
    public final boolean valid() {
        return valid;
    }

    /** Positions at the first entry. */
    public abstract void seekToFirst() throws IOException;

    /** Positions at the last entry. */
    public abstract void seekToLast() throws IOException;

    /** Positions at the first entry whose internal key is {@code >= target}. */
    public abstract void seek(byte[] target) throws IOException;

    /** Moves to the next entry. Requires: {@link #valid()}. */
    public abstract void next() throws IOException;

    /** Moves to the previous entry. Requires: {@link #valid()}. */
    public abstract void prev() throws IOException;

    /** The array holding the current internal key. Requires: {@link #valid()}. */
    public final byte[] keyArray() {
        return keyArray;
    }

    /** The offset of the current internal key in {@link #keyArray()}. */
    public final int keyOffset() {
        return keyOffset;
    }

    /** The length of the current internal key. */
    public final int keyLength() {
        return keyLength;
    }

    /** The array holding the current value. Requires: {@link #valid()}. */
    public final byte[] valueArray() {
        return valueArray;
    }

    /** The offset of the current value in {@link #valueArray()}. */
    public final int valueOffset() {
        return valueOffset;
    }

    /** The length of the current value. */
    public final int valueLength() {
        return valueLength;
    }

    /** Positions at the last entry whose internal key is {@code <= target}. */
    public void seekForPrev(final byte[] target) throws IOException {
        seek(target);
        if (!valid) {
            seekToLast();
        } else if (KeyComparator.compareInternal(keyArray, keyOffset, keyLength, target, 0, target.length) > 0) {
            prev();
        }
    }

    /** Releases resources (pinned tables, blocks). */
    @Override
    public void close() throws IOException {
    }
}
