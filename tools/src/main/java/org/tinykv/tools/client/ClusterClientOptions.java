package org.tinykv.tools.client;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * How a {@link ClusterClient} waits: the overall deadline of one call (all its retries and backoffs), the deadline
 * of each RPC inside it, the scheduler's RPC deadline, the clock and the sleeper the backoffs use (injected so
 * that tests run on a manual clock), and the seed of the backoff jitter.
 *
 * @param callTimeout      the longest one call may take, retries included (TinySQL: 20 s for gets and writes)
 * @param rpcTimeout       the longest one store RPC may take (capped by what is left of the call)
 * @param schedulerTimeout the longest one scheduler RPC may take
 * @param nanoClock        monotonic nanoseconds
 * @param sleeper          sleeps for a backoff
 * @param seed             seeds the backoff jitter
 * @param connectionsPerStore gRPC connections to each store, taken in turn by the requests (1..64)
 */
public record ClusterClientOptions(Duration callTimeout, Duration rpcTimeout, Duration schedulerTimeout,
                                   LongSupplier nanoClock, Sleeper sleeper, long seed, int connectionsPerStore) {

    /** The most connections per store a client may open. */
    public static final int MAX_CONNECTIONS_PER_STORE = 64;

    /** Sleeps for a backoff. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps about {@code nanos} nanoseconds (less if interrupted). */
        void sleep(long nanos);
    }

    /** Checks the durations. */
    public ClusterClientOptions {
        if (callTimeout.isNegative() || callTimeout.isZero() || rpcTimeout.isNegative() || rpcTimeout.isZero()
                || schedulerTimeout.isNegative() || schedulerTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: call " + callTimeout + ", rpc "
                + rpcTimeout + ", scheduler " + schedulerTimeout);
        }
        if (connectionsPerStore < 1 || connectionsPerStore > MAX_CONNECTIONS_PER_STORE) {
            throw new IllegalArgumentException("connections per store must be 1.." + MAX_CONNECTIONS_PER_STORE
                + ", got " + connectionsPerStore);
        }
    }

    /**
     * 20 s per call, 10 s per RPC, 5 s per scheduler RPC, the system clock, parking sleeps, seed 0, one connection
     * per store.
     */
    public static ClusterClientOptions defaults() {
        return new ClusterClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(5),
            System::nanoTime, LockSupport::parkNanos, 0, 1);
    }

    /** These options with another clock and sleeper. */
    public ClusterClientOptions withClock(final LongSupplier clock, final Sleeper sleep) {
        return new ClusterClientOptions(callTimeout, rpcTimeout, schedulerTimeout, clock, sleep, seed,
            connectionsPerStore);
    }

    /** These options with another call and RPC deadline. */
    public ClusterClientOptions withTimeouts(final Duration call, final Duration rpc) {
        return new ClusterClientOptions(call, rpc, schedulerTimeout, nanoClock, sleeper, seed, connectionsPerStore);
    }

    /** These options with {@code n} connections per store. */
    public ClusterClientOptions withConnectionsPerStore(final int n) {
        return new ClusterClientOptions(callTimeout, rpcTimeout, schedulerTimeout, nanoClock, sleeper, seed, n);
    }
}
