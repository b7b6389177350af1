package org.tinykv.lsm.iterator;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.tinykv.lsm.key.KeyComparator;

/**
 * Merges child iterators into one internal-key order, forwards and backwards (leveldb's direction-switching scheme).
 * Children never hold the same internal key (sequence numbers are unique).
 *
 * <p>Thread-safety: confined to one thread.
 */
public final class MergingIterator implements InternalIterator {

    private final InternalIterator[] children;
    private InternalIterator current;
    private boolean forward = true;

    /** Merges {@code children}; closing this closes them. */
    public MergingIterator(final List<InternalIterator> children) {
        this.children = children.toArray(new InternalIterator[0]);
    }

    @Override
    public boolean valid() {
        return current != null && current.valid();
    }

    private static int compare(final InternalIterator a, final InternalIterator b) {
        return KeyComparator.compareInternal(a.keyArray(), a.keyOffset(), a.keyLength(),
            b.keyArray(), b.keyOffset(), b.keyLength());
    }

    private void findSmallest() {
        InternalIterator best = null;
        for (final InternalIterator c : children) {
            if (c.valid() && (best == null || compare(c, best) < 0)) {
                best = c;
            }
        }
        current = best;
    }

    private void findLargest() {
        InternalIterator best = null;
        for (final InternalIterator c : children) {
            if (c.valid() && (best == null || compare(c, best) > 0)) {
                best = c;
            }
        }
        current = best;
    }

    @Override
    public void seekToFirst() throws IOException {
        for (final InternalIterator c : children) {
            c.seekToFirst();
        }
        forward = true;
        findSmallest();
    }

    @Override
    public void seekToLast() throws IOException {
        for (final InternalIterator c : children) {
            c.seekToLast();
        }
        forward = false;
        findLargest();
    }

    @Override
    public void seek(final byte[] target) throws IOException {
        for (final InternalIterator c : children) {
            c.seek(target);
        }
        forward = true;
        findSmallest();
    }

    @Override
    public void seekForPrev(final byte[] target) throws IOException {
        for (final InternalIterator c : children) {
            c.seekForPrev(target);
        }
        forward = false;
        findLargest();
    }

    private byte[] currentKeyCopy() {
        return Arrays.copyOfRange(current.keyArray(), current.keyOffset(), current.keyOffset() + current.keyLength());
    }

    @Override
    public void next() throws IOException {
        if (!forward) {
            final byte[] key = currentKeyCopy();
            for (final InternalIterator c : children) {
                if (c != current) {
                    c.seek(key);
                    if (c.valid() && KeyComparator.compareInternal(key, 0, key.length,
                        c.keyArray(), c.keyOffset(), c.keyLength()) == 0) {
                        c.next();
                    }
                }
            }
            forward = true;
        }
        current.next();
        findSmallest();
    }

    @Override
    public void prev() throws IOException {
        if (forward) {
            final byte[] key = currentKeyCopy();
            for (final InternalIterator c : children) {
                if (c != current) {
                    c.seek(key);
                    if (c.valid()) {
                        c.prev();
                    } else {
                        c.seekToLast();
                    }
                }
            }
            forward = false;
        }
        current.prev();
        findLargest();
    }

    @Override
    public byte[] keyArray() {
        return current.keyArray();
    }

    @Override
    public int keyOffset() {
        return current.keyOffset();
    }

    @Override
    public int keyLength() {
        return current.keyLength();
    }

    @Override
    public byte[] valueArray() {
        return current.valueArray();
    }

    @Override
    public int valueOffset() {
        return current.valueOffset();
    }

    @Override
    public int valueLength() {
        return current.valueLength();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (final InternalIterator c : children) {
            try {
                c.close();
            } catch (final IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
