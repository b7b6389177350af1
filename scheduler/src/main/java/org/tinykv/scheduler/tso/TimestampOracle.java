package org.tinykv.scheduler.tso;

import java.io.IOException;
import java.time.Clock;

import org.tinykv.scheduler.meta.MetaKeys;
import org.tinykv.scheduler.meta.MetaStore;

/**
 * Hands out strictly increasing timestamps {@code physical << 18 | logical}, physical being Unix milliseconds of
 * the injected clock.
 *
 * <p>Across restarts: no timestamp is ever handed out with a physical part above the persisted limit
 * ({@link MetaKeys#TSO_LIMIT}); after a restart the physical part starts above the previous limit. The limit is
 * renewed {@code windowMillis} ahead, by {@link #maintain()} before it is reached and synchronously by
 * {@link #allocate(int)} when it would otherwise be exceeded. If the logical part would overflow within one
 * millisecond, the physical part moves one millisecond ahead of the clock; the clock going backwards never makes
 * timestamps go backwards.
 *
 * <p>Thread-safe. {@link #start()} must be called once before {@link #allocate(int)}.
 */
public final class TimestampOracle {

    /** Bits of the logical part. */
    public static final int LOGICAL_BITS = 18;
    /** Exclusive upper bound of the logical part. */
    public static final long MAX_LOGICAL = 1L << LOGICAL_BITS;

    private final MetaStore store;
    private final Clock clock;
    private final long windowMillis;
    private final Object persistLock = new Object();

    private long physical;       // guarded by this
    private long nextLogical;    // guarded by this
    private volatile long limit; // persisted bound; written under persistLock
    private boolean started;     // guarded by this

    /** Creates an oracle persisting its window of {@code windowMillis} (&gt; 0) in {@code store}. */
    public TimestampOracle(MetaStore store, Clock clock, long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("tso window must be positive: " + windowMillis);
        }
        this.store = store;
        this.clock = clock;
        this.windowMillis = windowMillis;
    }

    /** Loads the previous limit and persists a new one; timestamps start above every previous one. */
    public synchronized void start() throws IOException {
        byte[] v = store.get(MetaKeys.TSO_LIMIT);
        long previous = v == null ? 0 : MetaKeys.decodeU64(MetaKeys.TSO_LIMIT, v);
        limit = previous;
        physical = Math.max(clock.millis(), previous + 1);
        nextLogical = 0;
        persistLimit(physical + windowMillis);
        started = true;
    }

    /**
     * Allocates {@code count} consecutive timestamps sharing one physical part and returns the highest.
     *
     * @throws IllegalArgumentException if count is not in [1, 2^18)
     * @throws IOException if the window could not be persisted (no timestamp is handed out then)
     */
    public synchronized long allocate(int count) throws IOException {
        if (!started) {
            throw new IllegalStateException("timestamp oracle not started");
        }
        if (count <= 0 || count >= MAX_LOGICAL) {
            throw new IllegalArgumentException("tso count must be in [1, " + (MAX_LOGICAL - 1) + "]: " + count);
        }
        long p = physical;
        long l = nextLogical;
        long now = clock.millis();
        if (now > p) {
            p = now;
            l = 0;
        }
        if (l + count > MAX_LOGICAL) {
            p++;
            l = 0;
        }
        if (p > limit) {
            persistLimit(p + windowMillis);
        }
        physical = p;
        nextLogical = l + count;
        return (p << LOGICAL_BITS) | (l + count - 1);
    }

    /**
     * Renews the persisted limit when the clock is within half a window of it. Called periodically by the server
     * so that {@link #allocate(int)} normally never waits for a sync.
     *
     * @return whether the limit was renewed
     */
    public boolean maintain() throws IOException {
        long p;
        synchronized (this) {
            if (!started) {
                return false;
            }
            p = Math.max(physical, clock.millis());
        }
        if (p + windowMillis / 2 < limit) {
            return false;
        }
        persistLimit(p + windowMillis);
        return true;
    }

    /** Returns the persisted upper bound of physical time handed out. */
    public long limit() {
        return limit;
    }

    /** Returns the physical part of a timestamp. */
    public static long physical(long ts) {
        return ts >>> LOGICAL_BITS;
    }

    /** Returns the logical part of a timestamp. */
    public static long logical(long ts) {
        return ts & (MAX_LOGICAL - 1);
    }

    private void persistLimit(long newLimit) throws IOException {
        synchronized (persistLock) {
            if (newLimit <= limit) {
                return;
            }
            store.put(MetaKeys.TSO_LIMIT, MetaKeys.u64(newLimit));
            limit = newLimit;
        }
    }
}
