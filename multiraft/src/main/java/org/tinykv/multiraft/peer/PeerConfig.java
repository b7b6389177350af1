package org.tinykv.multiraft.peer;

/**
 * Raft settings of every peer of a store.
 *
 * @param electionTick     ticks before a follower campaigns (randomized up to twice that)
 * @param heartbeatTick    ticks between leader heartbeats
 * @param maxSizePerMsg    byte limit of entries per append message
 * @param maxInflightMsgs  append messages in flight per follower
 * @param readTimeoutTicks ticks after which an unconfirmed ReadIndex request is answered StaleCommand
 * @param seed             seed of the election randomness (mixed with the peer id)
 */
public record PeerConfig(int electionTick, int heartbeatTick, long maxSizePerMsg, int maxInflightMsgs,
                         int readTimeoutTicks, long seed) {

    /** Validates the settings. */
    public PeerConfig {
        if (heartbeatTick <= 0 || electionTick <= heartbeatTick) {
            throw new IllegalArgumentException("need 0 < heartbeatTick < electionTick");
        }
        if (maxSizePerMsg <= 0 || maxInflightMsgs <= 0 || readTimeoutTicks <= 0) {
            throw new IllegalArgumentException("maxSizePerMsg, maxInflightMsgs, readTimeoutTicks must be positive");
        }
    }

    /** TinyKV's defaults: election 10 ticks, heartbeat 2 ticks, 1 MiB messages, 256 in flight. */
    public static PeerConfig defaults() {
        return new PeerConfig(10, 2, 1 << 20, 256, 20, 1);
    }

    /** A copy with another seed. */
    public PeerConfig withSeed(final long s) {
        return new PeerConfig(electionTick, heartbeatTick, maxSizePerMsg, maxInflightMsgs, readTimeoutTicks, s);
    }
}
