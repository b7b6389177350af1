package org.tinykv.multiraft.operation.read;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only commands a leader asks raft to confirm with ReadIndex. The commands that arrive in one round of the
 * peer form a batch ({@link #add}) that {@link #seal} turns into ONE ReadIndex request, keyed by a unique context:
 * one heartbeat round to the followers then confirms the whole batch, not one per command. A batch not confirmed
 * within {@code timeoutTicks} ticks expires (raft drops read requests when leadership changes), as does every
 * request when the peer loses leadership.
 *
 * <p>Thread-safety: confined to the thread driving the peer.
 *
 * @param <T> what the caller keeps per request (the command and its callback)
 */
public final class PendingReads<T> {
    private final int timeoutTicks;
    private final long salt;
    private final LinkedHashMap<ByteString, Waiting<T>> waiting = new LinkedHashMap<>();
    private List<T> open = new ArrayList<>();
    private int size;
    private long nextId = 1;

    /** A sealed batch waiting for its confirmation. */
    private static final class Waiting<T> {
        final List<T> values;
        int ticksLeft;

        Waiting(final List<T> values, final int ticksLeft) {
            this.values = values;
            this.ticksLeft = ticksLeft;
        }
    }

    /**
     * @param timeoutTicks ticks after which an unconfirmed batch expires (positive)
     * @param salt         distinguishes contexts of different peers (e.g. the peer id)
     */
    public PendingReads(final int timeoutTicks, final long salt) {
        if (timeoutTicks <= 0) {
            throw new IllegalArgumentException("timeoutTicks must be positive");
        }
        this.timeoutTicks = timeoutTicks;
        this.salt = salt;
    }

    /** Adds {@code value} to the open batch. */
    public void add(final T value) {
        open.add(value);
        size++;
    }

    /** True if the open batch has requests that {@link #seal} has not turned into a ReadIndex request yet. */
    public boolean hasOpen() {
        return !open.isEmpty();
    }

    /**
     * Closes the open batch and returns the fresh context to pass to {@code RawNode.readIndex} for it, or null if
     * the batch is empty.
     */
    public ByteString seal() {
        if (open.isEmpty()) {
            return null;
        }
        final long id = nextId++;
        final byte[] ctx = new byte[16];
        for (int i = 0; i < 8; i++) {
            ctx[i] = (byte) (salt >>> (56 - 8 * i));
            ctx[8 + i] = (byte) (id >>> (56 - 8 * i));
        }
        final ByteString key = ByteString.copyFrom(ctx);
        waiting.put(key, new Waiting<>(open, timeoutTicks));
        open = new ArrayList<>();
        return key;
    }

    /** Removes and returns the batch with {@code context}; empty if unknown (expired or foreign). */
    public List<T> take(final ByteString context) {
        final Waiting<T> w = waiting.remove(context);
        if (w == null) {
            return List.of();
        }
        size -= w.values.size();
        return w.values;
    }

    /** Counts one tick for the sealed batches; returns the requests of those that expired. */
    public List<T> tick() {
        if (waiting.isEmpty()) {
            return List.of();
        }
        final List<T> expired = new ArrayList<>();
        final Iterator<Map.Entry<ByteString, Waiting<T>>> it = waiting.entrySet().iterator();
        while (it.hasNext()) {
            final Waiting<T> w = it.next().getValue();
            if (--w.ticksLeft <= 0) {
                expired.addAll(w.values);
                it.remove();
            }
        }
        size -= expired.size();
        return expired;
    }

    /** Removes and returns every pending request, sealed or open. */
    public List<T> clear() {
        final List<T> all = new ArrayList<>(size);
        for (final Waiting<T> w : waiting.values()) {
            all.addAll(w.values);
        }
        all.addAll(open);
        waiting.clear();
        open = new ArrayList<>();
        size = 0;
        return all;
    }

    /** Number of pending requests, sealed or open. */
    public int size() {
        return size;
    }
}
