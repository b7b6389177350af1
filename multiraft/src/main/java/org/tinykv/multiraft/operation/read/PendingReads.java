package org.tinykv.multiraft.operation.read;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only commands a leader has asked raft to confirm with ReadIndex, keyed by the unique request context
 * handed to raft. A request not confirmed within {@code timeoutTicks} ticks expires (raft drops read requests when
 * leadership changes), as does every request when the peer loses leadership.
 *
 * <p>Thread-safety: confined to the thread driving the peer.
 *
 * @param <T> what the caller keeps per request (the command and its callback)
 */
public final class PendingReads<T> {
    private final int timeoutTicks;
    private final long salt;
    private final LinkedHashMap<ByteString, Waiting<T>> waiting = new LinkedHashMap<>();
    private long nextId = 1;

    /** A pending request. */
    private static final class Waiting<T> {
        final T value;
        int ticksLeft;

        Waiting(final T value, final int ticksLeft) {
            this.value = value;
            this.ticksLeft = ticksLeft;
        }
    }

    /**
     * @param timeoutTicks ticks after which an unconfirmed request expires (positive)
     * @param salt         distinguishes contexts of different peers (e.g. the peer id)
     */
    public PendingReads(final int timeoutTicks, final long salt) {
        if (timeoutTicks <= 0) {
            throw new IllegalArgumentException("timeoutTicks must be positive");
        }
        this.timeoutTicks = timeoutTicks;
        this.salt = salt;
    }

    /** Registers {@code value} and returns the fresh context to pass to {@code RawNode.readIndex}. */
    public ByteString add(final T value) {
        final long id = nextId++;
        final byte[] ctx = new byte[16];
        for (int i = 0; i < 8; i++) {
            ctx[i] = (byte) (salt >>> (56 - 8 * i));
            ctx[8 + i] = (byte) (id >>> (56 - 8 * i));
        }
        final ByteString key = ByteString.copyFrom(ctx);
        waiting.put(key, new Waiting<>(value, timeoutTicks));
        return key;
    }

    /** Removes and returns the request with {@code context}, or null if unknown (expired or foreign). */
    public T take(final ByteString context) {
        final Waiting<T> w = waiting.remove(context);
        return w == null ? null : w.value;
    }

    /** Counts one tick; returns the requests that expired. */
    public List<T> tick() {
        if (waiting.isEmpty()) {
            return List.of();
        }
        final List<T> expired = new ArrayList<>();
        final Iterator<Map.Entry<ByteString, Waiting<T>>> it = waiting.entrySet().iterator();
        while (it.hasNext()) {
            final Waiting<T> w = it.next().getValue();
            if (--w.ticksLeft <= 0) {
                expired.add(w.value);
                it.remove();
            }
        }
        return expired;
    }

    /** Removes and returns every pending request. */
    public List<T> clear() {
        final List<T> all = new ArrayList<>();
        for (final Waiting<T> w : waiting.values()) {
            all.add(w.value);
        }
        waiting.clear();
        return all;
    }

    /** Number of pending requests. */
    public int size() {
        return waiting.size();
    }
}
