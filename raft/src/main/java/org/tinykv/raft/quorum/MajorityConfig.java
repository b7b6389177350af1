package org.tinykv.raft.quorum;

import java.util.Arrays;
import java.util.function.LongToIntFunction;
import java.util.function.LongUnaryOperator;

/**
 * An immutable set of voter ids with majority-quorum arithmetic.
 *
 * <p>Thread-safety: immutable; {@link #committedIndex} uses a per-instance scratch array, so a config must only be
 * used by the raft instance (one thread) that owns it.
 */
public final class MajorityConfig {
    private static final MajorityConfig EMPTY = new MajorityConfig(new long[0]);

    private final long[] voters;   // sorted ascending, distinct
    private final long[] scratch;  // reused by committedIndex

    private MajorityConfig(long[] sortedVoters) {
        this.voters = sortedVoters;
        this.scratch = new long[sortedVoters.length];
    }

    /** Returns a config of the given voters (duplicates are removed). */
    public static MajorityConfig of(long... ids) {
        if (ids.length == 0) {
            return EMPTY;
        }
        long[] sorted = Arrays.stream(ids).distinct().sorted().toArray();
        return new MajorityConfig(sorted);
    }

    /** Number of voters. */
    public int size() {
        return voters.length;
    }

    /** True if {@code id} is a voter. */
    public boolean contains(long id) {
        return Arrays.binarySearch(voters, id) >= 0;
    }

    /** The voter ids, sorted ascending (a copy). */
    public long[] ids() {
        return voters.clone();
    }

    /** The i-th smallest voter id. Requires: 0 &lt;= i &lt; size(). */
    public long idAt(int i) {
        return voters[i];
    }

    /** Number of votes that make a quorum. */
    public int quorum() {
        return voters.length / 2 + 1;
    }

    /**
     * The largest index acknowledged by a quorum of voters, where {@code acked} maps a voter id to the highest
     * index it has acknowledged. Returns 0 for an empty config.
     */
    public long committedIndex(LongUnaryOperator acked) {
        int n = voters.length;
        if (n == 0) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            scratch[i] = acked.applyAsLong(voters[i]);
        }
        Arrays.sort(scratch, 0, n);
        return scratch[n - quorum()];
    }

    /**
     * Counts votes: {@code votes} returns 1 for a grant, 0 for a rejection and -1 for no answer yet.
     * An empty config wins trivially.
     */
    public VoteResult voteResult(LongToIntFunction votes) {
        if (voters.length == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : voters) {
            int v = votes.applyAsInt(id);
            if (v > 0) {
                granted++;
            } else if (v < 0) {
                missing++;
            }
        }
        int q = quorum();
        if (granted >= q) {
            return VoteResult.WON;
        }
        if (granted + missing >= q) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    @Override
    public String toString() {
        return Arrays.toString(voters);
    }
}
