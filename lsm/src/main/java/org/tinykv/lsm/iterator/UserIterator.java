package org.tinykv.lsm.iterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.key.FragmentedTombstones;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.ValueKind;

/**
 * The user-facing iterator: turns merged internal entries into the visible user entries at a snapshot sequence
 * number, hiding newer entries, shadowed versions, point tombstones and keys covered by range tombstones, within
 * optional bounds (leveldb's DBIter scheme, forward and backward).
 *
 * <p>Thread-safety: confined to one thread.
 */
public final class UserIterator implements DbIterator {

    private final InternalIterator iter;
    private final long seq;
    private final FragmentedTombstones tombstones;
    private final byte[] lower;
    private final byte[] upper;
    private final Runnable onClose;
    private boolean forward = true;
    private boolean valid;
    private byte[] savedKey;
    private byte[] savedValue;
    private boolean closed;
    /** The user key being skipped going forward (reused buffer, no allocation per step). */
    private byte[] skipBuf = new byte[64];
    private int skipLen;
    /** The reusable read-only views handed out by {@link #keyView()} and {@link #valueView()}. */
    private ByteBuffer keyView;
    private ByteBuffer valueView;
    /** The arrays behind {@link #keyView} and {@link #valueView} (read-only buffers do not expose them). */
    private byte[] keyViewArray;
    private byte[] valueViewArray;

    /**
     * Wraps {@code iter} (owned and closed by this iterator).
     *
     * @param onClose run once at close (releases the pinned version)
     */
    public UserIterator(final InternalIterator iter, final long seq, final FragmentedTombstones tombstones,
                        final byte[] lower, final byte[] upper, final Runnable onClose) {
        this.iter = iter;
        this.seq = seq;
        this.tombstones = tombstones;
        this.lower = lower;
        this.upper = upper;
        this.onClose = onClose;
    }

    private int userLen() {
        return iter.keyLength() - InternalKey.TRAILER_BYTES;
    }

    private int compareUser(final byte[] key) {
        final int o = iter.keyOffset();
        return Arrays.compareUnsigned(iter.keyArray(), o, o + userLen(), key, 0, key.length);
    }

    private long trailer() {
        return InternalKey.trailerOf(iter.keyArray(), iter.keyOffset(), iter.keyLength());
    }

    private boolean covered(final long entrySeq) {
        return !tombstones.isEmpty()
            && tombstones.maxCoveringSeq(iter.keyArray(), iter.keyOffset(), userLen(), seq) > entrySeq;
    }

    private byte[] userKeyCopy() {
        return Arrays.copyOfRange(iter.keyArray(), iter.keyOffset(), iter.keyOffset() + userLen());
    }

    private void saveSkip(final byte[] src, final int off, final int len) {
        if (skipBuf.length < len) {
            skipBuf = new byte[Math.max(len, 2 * skipBuf.length)];
        }
        System.arraycopy(src, off, skipBuf, 0, len);
        skipLen = len;
    }

    private void saveCurrentAsSkip() {
        saveSkip(iter.keyArray(), iter.keyOffset(), userLen());
    }

    private int compareToSkip() {
        final int o = iter.keyOffset();
        return Arrays.compareUnsigned(iter.keyArray(), o, o + userLen(), skipBuf, 0, skipLen);
    }

    private void findNextUserEntry(final boolean skipping) throws IOException {
        boolean skip = skipping;
        while (iter.valid()) {
            if (upper != null && compareUser(upper) >= 0) {
                break;
            }
            final long t = trailer();
            final long s = InternalKey.seqOf(t);
            if (s <= seq) {
                if (skip && compareToSkip() <= 0) {
                    iter.next();
                    continue;
                }
                final int kind = InternalKey.kindOf(t);
                if (kind == ValueKind.PUT.code() && !covered(s)) {
                    valid = true;
                    return;
                }
                saveCurrentAsSkip();
                skip = true;
            }
            iter.next();
        }
        valid = false;
    }

    private void findPrevUserEntry() throws IOException {
        boolean haveValue = false;
        while (iter.valid()) {
            final long t = trailer();
            final long s = InternalKey.seqOf(t);
            if (s <= seq) {
                if (haveValue && compareUser(savedKey) < 0) {
                    break;
                }
                if (lower != null && compareUser(lower) < 0) {
                    break;
                }
                final int kind = InternalKey.kindOf(t);
                if (kind == ValueKind.PUT.code() && !covered(s)) {
                    savedKey = userKeyCopy();
                    savedValue = Arrays.copyOfRange(iter.valueArray(), iter.valueOffset(),
                        iter.valueOffset() + iter.valueLength());
                    haveValue = true;
                } else {
                    haveValue = false;
                    savedKey = null;
                    savedValue = null;
                }
            }
            iter.prev();
        }
        if (!haveValue) {
            valid = false;
            savedKey = null;
            savedValue = null;
            forward = true;
        } else {
            valid = true;
        }
    }

    @Override
    public boolean valid() {
        return valid;
    }

    @Override
    public void seekToFirst() {
        if (lower != null) {
            seek(lower);
            return;
        }
        try {
            forward = true;
            iter.seekToFirst();
            findNextUserEntry(false);
        } catch (final IOException e) {
            throw fail(e);
        }
    }

    @Override
    public void seekToLast() {
        try {
            forward = false;
            if (upper != null) {
                iter.seekForPrev(InternalKey.encode(upper, InternalKey.MAX_SEQ, ValueKind.SEEK_CODE));
                if (iter.valid() && compareUser(upper) >= 0) {
                    iter.prev();
                }
            } else {
                iter.seekToLast();
            }
            findPrevUserEntry();
        } catch (final IOException e) {
            throw fail(e);
        }
    }

    @Override
    public void seek(final byte[] target) {
        try {
            forward = true;
            byte[] t = target;
            if (lower != null && Arrays.compareUnsigned(t, lower) < 0) {
                t = lower;
            }
            iter.seek(InternalKey.seekKey(t, seq));
            findNextUserEntry(false);
        } catch (final IOException e) {
            throw fail(e);
        }
    }

    @Override
    public void seekForPrev(final byte[] target) {
        if (upper != null && Arrays.compareUnsigned(target, upper) >= 0) {
            seekToLast();
            return;
        }
        try {
            forward = false;
            iter.seekForPrev(InternalKey.encode(target, 0, 0));
            findPrevUserEntry();
        } catch (final IOException e) {
            throw fail(e);
        }
    }

    @Override
    public void next() {
        try {
            if (!forward) {
                forward = true;
                if (!iter.valid()) {
                    iter.seekToFirst();
                } else {
                    iter.next();
                }
                saveSkip(savedKey, 0, savedKey.length);
                findNextUserEntry(true);
                return;
            }
            saveCurrentAsSkip();
            iter.next();
            findNextUserEntry(true);
        } catch (final IOException e) {
            throw fail(e);
        }
    }

    @Override
    public void prev() {
        try {
            if (forward) {
                savedKey = userKeyCopy();
                while (true) {
                    iter.prev();
                    if (!iter.valid()) {
                        valid = false;
                        savedKey = null;
                        savedValue = null;
                        return;
                    }
                    if (compareUser(savedKey) < 0) {
                        break;
                    }
                }
                forward = false;
            }
            findPrevUserEntry();
        } catch (final IOException e) {
            throw fail(e);
        }
    }

    private void requireValid() {
        if (!valid) {
            throw new IllegalStateException("iterator not valid");
        }
    }

    @Override
    public byte[] key() {
        requireValid();
        return forward ? userKeyCopy() : savedKey.clone();
    }

    @Override
    public byte[] value() {
        requireValid();
        return forward ? Arrays.copyOfRange(iter.valueArray(), iter.valueOffset(),
            iter.valueOffset() + iter.valueLength()) : savedValue.clone();
    }

    @Override
    public int keyLength() {
        requireValid();
        return forward ? userLen() : savedKey.length;
    }

    @Override
    public int valueLength() {
        requireValid();
        return forward ? iter.valueLength() : savedValue.length;
    }

    @Override
    public ByteBuffer keyView() {
        requireValid();
        final byte[] a = forward ? iter.keyArray() : savedKey;
        final int off = forward ? iter.keyOffset() : 0;
        if (a != keyViewArray) {
            keyViewArray = a;
            keyView = ByteBuffer.wrap(a).asReadOnlyBuffer();
        }
        keyView.limit(off + (forward ? userLen() : savedKey.length)).position(off);
        return keyView;
    }

    @Override
    public ByteBuffer valueView() {
        requireValid();
        final byte[] a = forward ? iter.valueArray() : savedValue;
        final int off = forward ? iter.valueOffset() : 0;
        if (a != valueViewArray) {
            valueViewArray = a;
            valueView = ByteBuffer.wrap(a).asReadOnlyBuffer();
        }
        valueView.limit(off + (forward ? iter.valueLength() : savedValue.length)).position(off);
        return valueView;
    }

    @Override
    public int copyKeyTo(final byte[] dst, final int offset) {
        requireValid();
        if (!forward) {
            System.arraycopy(savedKey, 0, dst, offset, savedKey.length);
            return savedKey.length;
        }
        final int len = userLen();
        System.arraycopy(iter.keyArray(), iter.keyOffset(), dst, offset, len);
        return len;
    }

    @Override
    public int copyValueTo(final byte[] dst, final int offset) {
        requireValid();
        if (!forward) {
            System.arraycopy(savedValue, 0, dst, offset, savedValue.length);
            return savedValue.length;
        }
        final int len = iter.valueLength();
        System.arraycopy(iter.valueArray(), iter.valueOffset(), dst, offset, len);
        return len;
    }

    private RuntimeException fail(final IOException e) {
        valid = false;
        return new UncheckedIOException(e);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            iter.close();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            onClose.run();
        }
    }
}
