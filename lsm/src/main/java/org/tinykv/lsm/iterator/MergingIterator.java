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
    /** Valid children as a binary heap: smallest key on top going forward, largest going backward. */
    private final InternalIterator[] heap;
    private int heapSize;
    private InternalIterator current;
    /** The smallest (forward) or largest (backward) heap member below the top, or null when not known. */
    private InternalIterator runnerUp;
    private boolean forward = true;
    /**
     * The current entry, captured from {@link #current} after every move so that the accessors, called many times
     * per entry by the user iterator, are plain field reads instead of calls down the child's iterator chain.
     */
    private boolean valid;
    private byte[] kArr;
    private int kOff;
    private int kLen;
    private byte[] vArr;
    private int vOff;
    private int vLen;
    /** The key of {@link #runnerUp} (it does not move while it is not on top, so its key stays put). */
    private byte[] rArr;
    private int rOff;
    private int rLen;

    /** Merges {@code children}; closing this closes them. */
    public MergingIterator(final List<InternalIterator> children) {
        this.children = children.toArray(new InternalIterator[0]);
        this.heap = new InternalIterator[this.children.length];
    }

    @Override
    public boolean valid() {
        return valid;
    }

    /** Captures the current child's entry (or invalidity) into the fields the accessors return. */
    private void capture() {
        final InternalIterator c = current;
        if (c == null || !c.valid()) {
            valid = false;
            kArr = null;
            vArr = null;
            return;
        }
        valid = true;
        kArr = c.keyArray();
        kOff = c.keyOffset();
        kLen = c.keyLength();
        vArr = c.valueArray();
        vOff = c.valueOffset();
        vLen = c.valueLength();
    }

    private void setRunnerUp(final InternalIterator r) {
        runnerUp = r;
        rArr = r.keyArray();
        rOff = r.keyOffset();
        rLen = r.keyLength();
    }

    /** Whether the captured current entry belongs above the runner-up in the heap of the current direction. */
    private boolean currentBeforeRunnerUp() {
        final int c = KeyComparator.compareInternal(kArr, kOff, kLen, rArr, rOff, rLen);
        return forward ? c < 0 : c > 0;
    }

    private static int compare(final InternalIterator a, final InternalIterator b) {
        return KeyComparator.compareInternal(a.keyArray(), a.keyOffset(), a.keyLength(),
            b.keyArray(), b.keyOffset(), b.keyLength());
    }

    /** Whether {@code a} belongs above {@code b} in the heap of the current direction. */
    private boolean before(final InternalIterator a, final InternalIterator b) {
        final int c = compare(a, b);
        return forward ? c < 0 : c > 0;
    }

    private void siftDown(final int from) {
        final InternalIterator[] h = heap;
        final int n = heapSize;
        final InternalIterator x = h[from];
        int i = from;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && before(h[child + 1], h[child])) {
                child++;
            }
            if (!before(h[child], x)) {
                break;
            }
            h[i] = h[child];
            i = child;
        }
        h[i] = x;
    }

    /** Rebuilds the heap from every valid child for the current direction. */
    private void rebuild() {
        runnerUp = null;
        heapSize = 0;
        for (final InternalIterator c : children) {
            if (c.valid()) {
                heap[heapSize++] = c;
            }
        }
        for (int i = heapSize / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
        current = heapSize > 0 ? heap[0] : null;
        capture();
    }

    private void findSmallest() {
        forward = true;
        rebuild();
    }

    private void findLargest() {
        forward = false;
        rebuild();
    }

    /**
     * After the top child moved on: restores the heap and the current child. While the top child stays on top the
     * rest of the heap is unchanged, so its smallest member ({@link #runnerUp}) is remembered and one comparison
     * settles the common case (long runs from one child, as when scanning disjoint files).
     */
    private void advanceTop() {
        if (heap[0].valid()) {
            if (heapSize == 1) {
                capture();
                return;
            }
            if (runnerUp == null) {
                setRunnerUp(heapSize == 2 || before(heap[1], heap[2]) ? heap[1] : heap[2]);
            }
            capture();
            if (currentBeforeRunnerUp()) {
                return;
            }
            runnerUp = null;
            siftDown(0);
        } else {
            runnerUp = null;
            heap[0] = heap[--heapSize];
            heap[heapSize] = null;
            if (heapSize > 0) {
                siftDown(0);
            }
        }
        current = heapSize > 0 ? heap[0] : null;
        capture();
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
        return Arrays.copyOfRange(kArr, kOff, kOff + kLen);
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
            current.next();
            findSmallest();
            return;
        }
        current.next();
        advanceTop();
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
            current.prev();
            findLargest();
            return;
        }
        current.prev();
        advanceTop();
    }

    @Override
    public byte[] keyArray() {
        return kArr;
    }

    @Override
    public int keyOffset() {
        return kOff;
    }

    @Override
    public int keyLength() {
        return kLen;
    }

    @Override
    public byte[] valueArray() {
        return vArr;
    }

    @Override
    public int valueOffset() {
        return vOff;
    }

    @Override
    public int valueLength() {
        return vLen;
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
