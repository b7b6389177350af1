package org.tinykv.txn.latch;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;

/**
 * A fixed table of latch slots. A command hashes each of its keys to a slot and acquires all of its slots in
 * ascending slot order, so two commands that share a key (or only a slot) serialize, and no cycle of waiters can
 * form (deadlock-free). Each slot grants itself in FIFO order of arrival. Keys are compared by content.
 *
 * <p>Thread-safe. A {@link Guard} may be released from any thread, exactly once.
 */
public final class Latches {
    private final Slot[] slots;
    private final int mask;

    /** Creates a table with at least {@code slotCount} slots (rounded up to a power of two). */
    public Latches(int slotCount) {
        if (slotCount <= 0) {
            throw new IllegalArgumentException("slotCount must be positive: " + slotCount);
        }
        if (slotCount > (1 << 30)) {
            throw new IllegalArgumentException("slotCount too large: " + slotCount);
        }
        int n = 1;
        while (n < slotCount) {
            n <<= 1;
        }
        slots = new Slot[n];
        for (int i = 0; i < n; i++) {
            slots[i] = new Slot();
        }
        mask = n - 1;
    }

    /** Number of slots. */
    public int slotCount() {
        return slots.length;
    }

    /** The slot index of {@code key}. */
    public int slotOf(byte[] key) {
        int h = Arrays.hashCode(key);
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h & mask;
    }

    /**
     * Blocks until every slot of {@code keys} is held by the caller; returns the guard that releases them.
     *
     * @throws InterruptedException if interrupted while waiting; nothing is held then
     */
    public Guard acquire(Collection<byte[]> keys) throws InterruptedException {
        int[] idx = slotsOf(keys);
        Object ticket = new Object();
        int held = 0;
        try {
            for (int i : idx) {
                slots[i].acquire(ticket);
                held++;
            }
        } catch (InterruptedException e) {
            for (int j = 0; j < held; j++) {
                slots[idx[j]].release(ticket);
            }
            throw e;
        }
        return new Guard(idx, ticket);
    }

    /** The distinct slots of {@code keys}, ascending (no streams: this runs once per write command). */
    private int[] slotsOf(Collection<byte[]> keys) {
        int[] idx = new int[keys.size()];
        int n = 0;
        for (byte[] key : keys) {
            idx[n++] = slotOf(key);
        }
        if (n <= 1) {
            return idx;
        }
        Arrays.sort(idx);
        int distinct = 1;
        for (int i = 1; i < n; i++) {
            if (idx[i] != idx[distinct - 1]) {
                idx[distinct++] = idx[i];
            }
        }
        return distinct == n ? idx : Arrays.copyOf(idx, distinct);
    }

    /** Holds acquired slots until {@link #close()}. */
    public final class Guard implements AutoCloseable {
        private final int[] idx;
        private final Object ticket;
        private boolean released;

        private Guard(int[] idx, Object ticket) {
            this.idx = idx;
            this.ticket = ticket;
        }

        /** The slot indices held, ascending. */
        public int[] slots() {
            return idx.clone();
        }

        /** Releases every slot; later calls do nothing. */
        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            for (int i = idx.length - 1; i >= 0; i--) {
                slots[idx[i]].release(ticket);
            }
        }
    }

    /** One slot: a FIFO queue whose head owns the slot. */
    private static final class Slot {
        private final ArrayDeque<Object> queue = new ArrayDeque<>();

        synchronized void acquire(Object ticket) throws InterruptedException {
            queue.addLast(ticket);
            if (queue.size() == 1) {
                return;
            }
            try {
                while (queue.peekFirst() != ticket) {
                    wait();
                }
            } catch (InterruptedException e) {
                boolean wasHead = queue.peekFirst() == ticket;
                queue.remove(ticket);
                if (wasHead) {
                    notifyAll();
                }
                throw e;
            }
        }

        synchronized void release(Object ticket) {
            if (queue.peekFirst() != ticket) {
                throw new IllegalStateException("latch released by a non-owner");
            }
            queue.pollFirst();
            if (!queue.isEmpty()) {
                notifyAll();
            }
        }
    }
}
