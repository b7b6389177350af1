package org.tinykv.tools.client;

import java.util.SplittableRandom;

/**
 * The backoff of one call, per class of trouble, after TinySQL's {@code backoff.go}: exponential from a base to a
 * cap with equal jitter (half fixed, half random), counted separately per class. Confined to the calling thread.
 */
final class Backoff {

    /** The classes of trouble and their base and cap in milliseconds. */
    enum Kind {
        /** The cache learned where to go (a leader hint, current regions): first retry at once, then 1..10 ms. */
        FAST(1, 10, true),
        /** The region must be reloaded or the scheduler had no answer: 2..500 ms (TinySQL regionMiss). */
        REGION_MISS(2, 500, false),
        /** A store or the scheduler could not be reached: 100..2000 ms (TinySQL tikvRPC). */
        RPC(100, 2000, false);

        private final long baseNanos;
        private final long capNanos;
        private final boolean firstFree;

        Kind(final long baseMillis, final long capMillis, final boolean firstFree) {
            this.baseNanos = baseMillis * 1_000_000;
            this.capNanos = capMillis * 1_000_000;
            this.firstFree = firstFree;
        }
    }

    private final int[] attempts = new int[Kind.values().length];
    private final SplittableRandom random;

    Backoff(final long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The nanoseconds to sleep before the next retry after trouble of {@code kind}. */
    long next(final Kind kind) {
        final int n = attempts[kind.ordinal()]++;
        if (kind.firstFree && n == 0) {
            return 0;
        }
        final int shift = Math.min(kind.firstFree ? n - 1 : n, 30);
        final long exp = Math.min(kind.capNanos, kind.baseNanos << shift);
        final long half = exp / 2;
        return half + random.nextLong(exp - half + 1);
    }
}
