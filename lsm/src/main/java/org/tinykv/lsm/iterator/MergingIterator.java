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
public final class MergingIterator extends InternalIterator {

    private final InternalIterator[] children;
    /** Valid children as a binary heap: smallest key on top going forward, largest going backward. */
    private final InternalIterator[] heap;
    private int heapSize;
    private InternalIterator current;
    /**
     * The heap slot (1 or 2) of the smallest (forward) or largest (backward) member below the top, or 0 when not
     * known.
     */
    private int runnerUpSlot;
    private boolean forward = true;

    /** Merges {@code children}; closing this closes them. */
    public MergingIterator(final List<InternalIterator> children) {
        this.children = children.toArray(new InternalIterator[0]);
        this.heap = new InternalIterator[this.children.length];
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
        runnerUpSlot = 0;
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
        setEntryOf(current);
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
     * rest of the heap is unchanged, so its smallest member (the runner-up) is remembered and one comparison
     * settles the common case (long runs from one child, as when scanning disjoint files). When the top child falls
     * behind the runner-up, that comparison has already found the new top: the two swap slots and the old top sinks
     * within the runner-up's subtree (no comparison at all with three children), instead of a sift from the root
     * that would compare again what is known.
     */
    private void advanceTop() {
        if (heap[0].valid()) {
            if (heapSize > 1) {
                if (runnerUpSlot == 0) {
                    runnerUpSlot = heapSize == 2 || before(heap[1], heap[2]) ? 1 : 2;
                }
                if (!before(heap[0], heap[runnerUpSlot])) {
                    final int slot = runnerUpSlot;
                    runnerUpSlot = 0;
                    final InternalIterator behind = heap[0];
                    heap[0] = heap[slot];
                    heap[slot] = behind;
                    siftDown(slot);
                }
            }
        } else {
            runnerUpSlot = 0;
            heap[0] = heap[--heapSize];
            heap[heapSize] = null;
            if (heapSize > 0) {
                siftDown(0);
            }
        }
        current = heapSize > 0 ? heap[0] : null;
        setEntryOf(current);
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
        return Arrays.copyOfRange(keyArray(), keyOffset(), keyOffset() + keyLength());
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
