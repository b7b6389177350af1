package org.tinykv.raft;

/**
 * The immutable configuration of one raft node. Use {@link #builder(long)}; {@link #validate()} runs on
 * construction.
 *
 * @param id                       this node's id (non-zero)
 * @param electionTick             ticks a follower waits before campaigning; randomized in
 *                                 [electionTick, 2 * electionTick)
 * @param heartbeatTick            ticks between leader heartbeats (less than electionTick)
 * @param applied                  the last index the caller applied before a restart (0 if unknown)
 * @param maxSizePerMsg            byte limit of the entries in one append message (always at least one entry)
 * @param maxCommittedSizePerReady byte limit of committed entries in one Ready
 * @param maxInflightMsgs          append messages in flight per follower in replicate state
 * @param maxInflightBytes         payload bytes in flight per follower (0 = no limit)
 * @param checkQuorum              leader steps down if it has not heard from a quorum in an election timeout;
 *                                 followers with a live leader ignore vote requests
 * @param preVote                  run a pre-vote round before incrementing the term
 * @param readOnlyOption           how read-index requests are confirmed
 * @param seed                     seed of the election-timeout randomness (mixed with the id)
 * @param leaseDriftMarginTicks    ticks cut from the end of the leader lease ({@link ReadOnlyOption#LEASE_BASED}):
 *                                 a bound on how far the ticks of two nodes may drift apart over one election
 *                                 timeout; at least 1 and less than electionTick (default: electionTick / 5, at
 *                                 least 1). See "Reads" in {@link RawNode}.
 */
public record RaftConfig(long id, int electionTick, int heartbeatTick, long applied, long maxSizePerMsg,
                         long maxCommittedSizePerReady, int maxInflightMsgs, long maxInflightBytes,
                         boolean checkQuorum, boolean preVote, ReadOnlyOption readOnlyOption, long seed,
                         int leaseDriftMarginTicks) {

    /** Validates every field; throws IllegalArgumentException naming the bad one. */
    public RaftConfig {
        validate(id, electionTick, heartbeatTick, applied, maxSizePerMsg, maxCommittedSizePerReady,
                maxInflightMsgs, maxInflightBytes, checkQuorum, readOnlyOption, leaseDriftMarginTicks);
    }

    /** Re-checks the configuration (already done by the constructor). */
    public void validate() {
        validate(id, electionTick, heartbeatTick, applied, maxSizePerMsg, maxCommittedSizePerReady,
                maxInflightMsgs, maxInflightBytes, checkQuorum, readOnlyOption, leaseDriftMarginTicks);
    }

    private static void validate(long id, int electionTick, int heartbeatTick, long applied, long maxSizePerMsg,
                                 long maxCommittedSizePerReady, int maxInflightMsgs, long maxInflightBytes,
                                 boolean checkQuorum, ReadOnlyOption readOnlyOption,
                                 int leaseDriftMarginTicks) {
        require(id != 0, "id must not be 0");
        require(heartbeatTick > 0, "heartbeatTick must be positive");
        require(electionTick > heartbeatTick, "electionTick must be greater than heartbeatTick");
        require(applied >= 0, "applied must not be negative");
        require(maxSizePerMsg > 0, "maxSizePerMsg must be positive");
        require(maxCommittedSizePerReady > 0, "maxCommittedSizePerReady must be positive");
        require(maxInflightMsgs > 0, "maxInflightMsgs must be positive");
        require(maxInflightBytes >= 0, "maxInflightBytes must not be negative");
        require(readOnlyOption != null, "readOnlyOption must be set");
        require(readOnlyOption != ReadOnlyOption.LEASE_BASED || checkQuorum,
                "readOnlyOption LEASE_BASED requires checkQuorum");
        require(leaseDriftMarginTicks >= 1 && leaseDriftMarginTicks < electionTick,
                "leaseDriftMarginTicks must be at least 1 and less than electionTick");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid raft config: " + message);
        }
    }

    /** A builder with defaults: election 10, heartbeat 1, 1 MiB messages, 256 inflight, pre-vote on. */
    public static Builder builder(long id) {
        return new Builder(id);
    }

    /** Mutable builder of {@link RaftConfig}; confined to one thread. */
    public static final class Builder {
        private final long id;
        private int electionTick = 10;
        private int heartbeatTick = 1;
        private long applied;
        private long maxSizePerMsg = 1 << 20;
        private long maxCommittedSizePerReady = 16 << 20;
        private int maxInflightMsgs = 256;
        private long maxInflightBytes;
        private boolean checkQuorum;
        private boolean preVote = true;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        private long seed = 1;
        private int leaseDriftMarginTicks = -1;  // -1: electionTick / 5, at least 1

        private Builder(long id) {
            this.id = id;
        }

        public Builder electionTick(int v) {
            electionTick = v;
            return this;
        }

        public Builder heartbeatTick(int v) {
            heartbeatTick = v;
            return this;
        }

        public Builder applied(long v) {
            applied = v;
            return this;
        }

        public Builder maxSizePerMsg(long v) {
            maxSizePerMsg = v;
            return this;
        }

        public Builder maxCommittedSizePerReady(long v) {
            maxCommittedSizePerReady = v;
            return this;
        }

        public Builder maxInflightMsgs(int v) {
            maxInflightMsgs = v;
            return this;
        }

        public Builder maxInflightBytes(long v) {
            maxInflightBytes = v;
            return this;
        }

        public Builder checkQuorum(boolean v) {
            checkQuorum = v;
            return this;
        }

        public Builder preVote(boolean v) {
            preVote = v;
            return this;
        }

        public Builder readOnlyOption(ReadOnlyOption v) {
            readOnlyOption = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Ticks cut from the end of the leader lease: the clock drift bound (see {@link RaftConfig}). */
        public Builder leaseDriftMarginTicks(int v) {
            leaseDriftMarginTicks = v;
            return this;
        }

        /** Builds and validates. */
        public RaftConfig build() {
            return new RaftConfig(id, electionTick, heartbeatTick, applied, maxSizePerMsg, maxCommittedSizePerReady,
                    maxInflightMsgs, maxInflightBytes, checkQuorum, preVote, readOnlyOption, seed,
                    leaseDriftMarginTicks >= 0 ? leaseDriftMarginTicks : Math.max(1, electionTick / 5));
        }
    }
}
