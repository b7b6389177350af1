package org.tinykv.multiraft.peer;

/**
 * Raft settings of every peer of a store.
 *
 * @param electionTick         ticks before a follower campaigns (randomized up to twice that)
 * @param heartbeatTick        ticks between leader heartbeats
 * @param maxSizePerMsg        byte limit of entries per append message
 * @param maxInflightMsgs      append messages in flight per follower
 * @param readTimeoutTicks     ticks after which an unconfirmed ReadIndex request is answered StaleCommand
 * @param seed                 seed of the election randomness (mixed with the peer id)
 * @param raftLogGcCountLimit  the leader proposes CompactLog once more than this many applied entries are kept
 * @param raftLogGcSizeLimit   ... or once the kept log exceeds this many bytes (approximate)
 * @param leaseReads           serve reads on the leader at once while its lease holds (the raft module's
 *                             lease-based ReadIndex, with check-quorum and a drift margin), else confirm leadership
 *                             with a heartbeat round per batch of reads
 * @param hibernateTicks       ticks a leader must have had nothing in flight before it asks its followers to stop
 *                             ticking the region with it (asked again as often while some do not agree); 0 keeps
 *                             every region ticking
 */
public record PeerConfig(int electionTick, int heartbeatTick, long maxSizePerMsg, int maxInflightMsgs,
                         int readTimeoutTicks, long seed, long raftLogGcCountLimit, long raftLogGcSizeLimit,
                         boolean leaseReads, long hibernateTicks) {

    /** Default of {@link #raftLogGcCountLimit}. */
    public static final long DEFAULT_GC_COUNT_LIMIT = 1000;
    /** Default of {@link #raftLogGcSizeLimit}: 16 MiB. */
    public static final long DEFAULT_GC_SIZE_LIMIT = 16L << 20;

    /** Validates the settings. */
    public PeerConfig {
        if (heartbeatTick <= 0 || electionTick <= heartbeatTick) {
            throw new IllegalArgumentException("need 0 < heartbeatTick < electionTick");
        }
        if (maxSizePerMsg <= 0 || maxInflightMsgs <= 0 || readTimeoutTicks <= 0) {
            throw new IllegalArgumentException("maxSizePerMsg, maxInflightMsgs, readTimeoutTicks must be positive");
        }
        if (raftLogGcCountLimit <= 0 || raftLogGcSizeLimit <= 0) {
            throw new IllegalArgumentException("raft log GC limits must be positive");
        }
        if (hibernateTicks < 0) {
            throw new IllegalArgumentException("hibernateTicks must not be negative");
        }
    }

    /**
     * Settings with the default raft log GC limits, hibernation after two election timeouts of quiet, and lease
     * reads. There is no per-store switch for the lease in the server: a lease is safe only if every voter of the
     * group keeps the vote barrier that comes with it, so all stores must agree.
     */
    public PeerConfig(final int electionTick, final int heartbeatTick, final long maxSizePerMsg,
                      final int maxInflightMsgs, final int readTimeoutTicks, final long seed) {
        this(electionTick, heartbeatTick, maxSizePerMsg, maxInflightMsgs, readTimeoutTicks, seed,
                DEFAULT_GC_COUNT_LIMIT, DEFAULT_GC_SIZE_LIMIT, true, 2L * electionTick);
    }

    /** TinyKV's defaults: election 10 ticks, heartbeat 2 ticks, 1 MiB messages, 256 in flight. */
    public static PeerConfig defaults() {
        return new PeerConfig(10, 2, 1 << 20, 256, 20, 1);
    }

    /** A copy with another seed. */
    public PeerConfig withSeed(final long s) {
        return new PeerConfig(electionTick, heartbeatTick, maxSizePerMsg, maxInflightMsgs, readTimeoutTicks, s,
                raftLogGcCountLimit, raftLogGcSizeLimit, leaseReads, hibernateTicks);
    }

    /** A copy with other raft log GC limits. */
    public PeerConfig withGcLimits(final long countLimit, final long sizeLimit) {
        return new PeerConfig(electionTick, heartbeatTick, maxSizePerMsg, maxInflightMsgs, readTimeoutTicks, seed,
                countLimit, sizeLimit, leaseReads, hibernateTicks);
    }

    /** A copy reading through the lease ({@code true}) or a heartbeat round per read batch ({@code false}). */
    public PeerConfig withLeaseReads(final boolean lease) {
        return new PeerConfig(electionTick, heartbeatTick, maxSizePerMsg, maxInflightMsgs, readTimeoutTicks, seed,
                raftLogGcCountLimit, raftLogGcSizeLimit, lease, hibernateTicks);
    }

    /** A copy whose regions hibernate after {@code ticks} quiet ticks (0: never). */
    public PeerConfig withHibernateTicks(final long ticks) {
        return new PeerConfig(electionTick, heartbeatTick, maxSizePerMsg, maxInflightMsgs, readTimeoutTicks, seed,
                raftLogGcCountLimit, raftLogGcSizeLimit, leaseReads, ticks);
    }
}
