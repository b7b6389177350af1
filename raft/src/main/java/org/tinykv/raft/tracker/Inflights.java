package org.tinykv.raft.tracker;

/**
 * A bounded window of append messages sent to one follower and not yet acknowledged, limited both by message
 * count and by total payload bytes. Each slot holds the last index carried by a message and its byte size.
 *
 * <p>Confined to one thread.
 */
public final class Inflights {
    private final int capacity;
    private final long maxBytes;
    private final long[] indexes;
    private final long[] sizes;
    private int start;
    private int count;
    private long bytes;

    /** Creates a window of at most {@code capacity} messages and {@code maxBytes} bytes (0 = no byte limit). */
    public Inflights(int capacity, long maxBytes) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("inflight capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.indexes = new long[capacity];
        this.sizes = new long[capacity];
    }

    /** Records a sent message whose last entry is {@code index}. Requires: !full() and index increasing. */
    public void add(long index, long size) {
        if (full()) {
            throw new IllegalStateException("inflights window is full");
        }
        int slot = (start + count) % capacity;
        indexes[slot] = index;
        sizes[slot] = size;
        count++;
        bytes += size;
    }

    /** Frees every message whose last index is &lt;= {@code index}. */
    public void freeLE(long index) {
        while (count > 0 && indexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % capacity;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** Frees the oldest message, if any. */
    public void freeFirstOne() {
        if (count > 0) {
            freeLE(indexes[start]);
        }
    }

    /** True if no more messages may be sent. */
    public boolean full() {
        return count == capacity || (maxBytes > 0 && bytes >= maxBytes);
    }

    /** Number of messages in flight. */
    public int count() {
        return count;
    }

    /** Payload bytes in flight. */
    public long bytes() {
        return bytes;
    }

    /** Empties the window. */
    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
