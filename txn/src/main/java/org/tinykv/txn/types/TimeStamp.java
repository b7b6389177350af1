package org.tinykv.txn.types;

/**
 * Helpers for TSO timestamps: {@code ts = physical << 18 | logical}, where physical is Unix milliseconds.
 *
 * <p>Timestamps are unsigned 64-bit values carried in a Java {@code long}; always compare them with
 * {@link #compare(long, long)}. {@link #MAX} (all ones) reads the newest committed version. Stateless, thread-safe.
 */
public final class TimeStamp {
    /** Number of bits of the logical part. */
    public static final int LOGICAL_BITS = 18;
    /** The largest timestamp (unsigned all ones), used to read the newest version. */
    public static final long MAX = -1L;
    /** The smallest timestamp. */
    public static final long ZERO = 0L;

    private TimeStamp() {
    }

    /** Composes a timestamp. Requires: {@code 0 <= logical < 2^18}, {@code 0 <= physical < 2^46}. */
    public static long compose(long physicalMillis, long logical) {
        if (logical < 0 || logical >= (1L << LOGICAL_BITS)) {
            throw new IllegalArgumentException("logical part out of range: " + logical);
        }
        if (physicalMillis < 0 || physicalMillis >= (1L << (64 - LOGICAL_BITS))) {
            throw new IllegalArgumentException("physical part out of range: " + physicalMillis);
        }
        return (physicalMillis << LOGICAL_BITS) | logical;
    }

    /** The physical part (milliseconds) of {@code ts}. */
    public static long physical(long ts) {
        return ts >>> LOGICAL_BITS;
    }

    /** The logical part of {@code ts}. */
    public static long logical(long ts) {
        return ts & ((1L << LOGICAL_BITS) - 1);
    }

    /** Unsigned comparison of two timestamps. */
    public static int compare(long a, long b) {
        return Long.compareUnsigned(a, b);
    }

    /** Renders an unsigned timestamp for messages. */
    public static String toString(long ts) {
        return Long.toUnsignedString(ts);
    }

    /**
     * Whether a lock taken at {@code lockTs} with {@code ttlMillis} has expired at {@code currentTs}: only the
     * physical parts count, and the lock is expired when {@code physical(lockTs) + ttl < physical(currentTs)}.
     */
    public static boolean isExpired(long lockTs, long ttlMillis, long currentTs) {
        long deadline = physical(lockTs) + ttlMillis;
        if (deadline < 0) {
            return false; // overflow: an absurd TTL never expires
        }
        return deadline < physical(currentTs);
    }
}
