package org.tinykv.raft.tracker;

import java.util.function.LongUnaryOperator;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.tinykv.raft.quorum.VoteResult;

/**
 * The current {@link Membership}, the {@link Progress} of every member and the votes of the ongoing election.
 * Iteration over members is always in ascending id order, so behaviour is deterministic.
 *
 * <p>Confined to the raft instance's thread.
 */
public final class ProgressTracker {
    private static final long NO_VOTE = -1;

    private final int maxInflight;
    private final long maxInflightBytes;
    private final Long2ObjectHashMap<Progress> progress = new Long2ObjectHashMap<>();
    private final Long2LongHashMap votes = new Long2LongHashMap(NO_VOTE);
    private Membership membership = Membership.empty();
    private long[] ids = new long[0];
    /** The match index of a voter (0 if unknown); a field so that committed() allocates nothing. */
    private final LongUnaryOperator matchOf = id -> {
        Progress pr = progress.get(id);
        return pr == null ? 0 : pr.match();
    };

    /** Creates an empty tracker whose progresses get inflight windows of the given limits. */
    public ProgressTracker(int maxInflight, long maxInflightBytes) {
        this.maxInflight = maxInflight;
        this.maxInflightBytes = maxInflightBytes;
    }

    public Membership membership() {
        return membership;
    }

    /** All member ids, ascending. Callers must not modify the array. */
    public long[] ids() {
        return ids;
    }

    /** The progress of {@code id}, or null if it is not a member. */
    public Progress progress(long id) {
        return progress.get(id);
    }

    /** True if {@code id} is a voter. */
    public boolean isVoter(long id) {
        return membership.voters().contains(id);
    }

    /** True if the group has exactly one voter. */
    public boolean isSingleton() {
        return membership.voters().size() == 1;
    }

    /**
     * Switches to a new membership. Members that stay keep their progress (with learner flag updated), new ones
     * start probing at {@code nextIndex}, removed ones are dropped.
     */
    public void applyMembership(Membership m, long nextIndex) {
        long[] newIds = m.allIds();
        for (long id : ids) {
            if (!m.contains(id)) {
                progress.remove(id);
            }
        }
        for (long id : newIds) {
            Progress pr = progress.get(id);
            boolean learner = m.isLearner(id);
            if (pr == null) {
                pr = new Progress(0, nextIndex, maxInflight, maxInflightBytes, learner);
                pr.setRecentActive(true);
                progress.put(id, pr);
            } else {
                pr.setLearner(learner);
            }
        }
        this.membership = m;
        this.ids = newIds;
    }

    /** The largest index acknowledged by a quorum of voters. */
    public long committed() {
        return membership.voters().committedIndex(matchOf);
    }

    /** Forgets all votes. */
    public void resetVotes() {
        votes.clear();
    }

    /** Records {@code id}'s vote unless it already voted. */
    public void recordVote(long id, boolean granted) {
        if (votes.get(id) == NO_VOTE) {
            votes.put(id, granted ? 1 : 0);
        }
    }

    /** The election outcome for the votes recorded so far. */
    public VoteResult tallyVotes() {
        return membership.voters().voteResult(id -> (int) votes.get(id));
    }

    /**
     * True if a quorum of voters (counting {@code self}) has been recently active. Clears the recently-active
     * flag of every other peer, starting the next check period.
     */
    public boolean quorumActiveAndReset(long self) {
        VoteResult r = membership.voters().voteResult(id -> {
            if (id == self) {
                return 1;
            }
            Progress pr = progress.get(id);
            return pr != null && pr.recentActive() ? 1 : 0;
        });
        for (long id : ids) {
            if (id != self) {
                progress.get(id).setRecentActive(false);
            }
        }
        return r == VoteResult.WON;
    }
}
