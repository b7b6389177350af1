package org.tinykv.raft;

import java.util.function.LongUnaryOperator;
import org.tinykv.raft.tracker.Progress;

/**
 * Both halves of the leader lease used by {@link ReadOnlyOption#LEASE_BASED} reads (see "Reads" in
 * {@link RawNode} for the clock assumption):
 * <ul>
 *   <li>leader side: every heartbeat carries a stamp, the leader's tick counter when it was sent plus one, in
 *       the {@code index} field; the follower echoes it in its response, and the leader keeps per peer the newest
 *       stamp acknowledged in its term ({@link Progress#leaseStamp()}). The lease lasts until the tick
 *       {@code s + electionTick - leaseDriftMarginTicks}, where {@code s} is the send tick that a quorum of voters
 *       (the leader counting as "now") has acknowledged. Once this leader has sent {@code MsgTimeoutNow}, the
 *       lease is void for the rest of its term: the transferee's campaign skips the followers' vote barrier, and
 *       that message or its vote requests may still be in flight after the transfer is abandoned.</li>
 *   <li>voter side: a node does not grant a vote or pre-vote (except to a leader-transfer campaign) before its
 *       tick counter reaches {@link #voteBarrier()}: {@code electionTick} ticks after it last heard from a
 *       leader, and {@code electionTick} ticks after it (re)started, since it cannot know whether it heard from a
 *       leader just before a crash.</li>
 * </ul>
 * Only active when the node is configured with {@code LEASE_BASED}; every voter of a group using lease reads must
 * be. Confined to the raft instance's thread.
 */
final class LeaderLease {
    private final Raft r;
    private final boolean enabled;
    /** The lease stamp of each voter; the leader itself counts as acknowledging "now". */
    private final LongUnaryOperator stampOf;
    /** The first tick at which this node may grant a (non-transfer) vote. */
    private long voteBarrier;
    /** True once this leader sent MsgTimeoutNow in its current term. */
    private boolean transferStarted;
    /** Stamps below this anchor no lease: they were acknowledged before the tick clock stopped (see suspend). */
    private long stampFloor;

    LeaderLease(Raft r) {
        this.r = r;
        this.enabled = r.cfg.readOnlyOption() == ReadOnlyOption.LEASE_BASED;
        this.stampOf = id -> {
            if (id == r.id) {
                return r.ticks + 1;
            }
            Progress pr = r.tracker.progress(id);
            return pr == null ? 0 : pr.leaseStamp();
        };
        // A (re)started node may have heard from a leader just before it went down.
        this.voteBarrier = enabled ? r.cfg.electionTick() : 0;
    }

    boolean enabled() {
        return enabled;
    }

    /** The stamp to put in a heartbeat sent now, or 0 when leases are off. */
    long stampNow() {
        return enabled ? r.ticks + 1 : 0;
    }

    /** A new term began: any lease and transfer of the previous one are gone (stamps reset with the progress). */
    void termChanged() {
        transferStarted = false;
    }

    /** This leader sent MsgTimeoutNow: no lease reads until its term ends. */
    void transferStarted() {
        transferStarted = true;
    }

    /**
     * The first tick at which the lease is no longer valid (a lease read needs {@code ticks < leaseEnd()}), or
     * {@code Long.MIN_VALUE} if there is no lease.
     */
    long leaseEnd() {
        if (!enabled || transferStarted || r.state != StateRole.LEADER) {
            return Long.MIN_VALUE;
        }
        long stamp = r.tracker.membership().voters().committedIndex(stampOf);
        if (stamp == 0 || stamp < stampFloor) {
            return Long.MIN_VALUE;
        }
        return stamp - 1 + r.cfg.electionTick() - r.cfg.leaseDriftMarginTicks();
    }

    /**
     * The caller stops ticking this node for a while (a hibernating group): its tick counter will then lag real
     * time by any amount, so no stamp sent so far may anchor a lease. The counter moves one tick on, so that the
     * heartbeats sent from now on carry stamps above every earlier one, and only those count.
     */
    void suspend() {
        r.ticks++;
        stampFloor = r.ticks + 1;
    }

    /** True if a read may be answered now without a heartbeat round. */
    boolean valid() {
        return r.ticks < leaseEnd();
    }

    /** This node just heard from the leader of its term (append, heartbeat or snapshot). */
    void heardFromLeader() {
        if (enabled) {
            voteBarrier = Math.max(voteBarrier, r.ticks + r.cfg.electionTick());
        }
    }

    /** The first tick at which this node may grant a non-transfer vote or pre-vote. */
    long voteBarrier() {
        return voteBarrier;
    }

    /** True while this node must not grant a vote or pre-vote to an ordinary (non-transfer) campaign. */
    boolean blocksVotes() {
        return enabled && r.ticks < voteBarrier;
    }
}
