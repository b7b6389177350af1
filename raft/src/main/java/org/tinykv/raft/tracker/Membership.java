package org.tinykv.raft.tracker;

import java.util.Arrays;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.raft.quorum.MajorityConfig;

/**
 * The membership of a raft group: voters (who elect and commit) and learners (who only replicate). A peer is
 * never both. Immutable.
 *
 * @param voters   the voting members
 * @param learners the learner ids, sorted ascending, disjoint from voters
 */
public record Membership(MajorityConfig voters, long[] learners) {

    /** An empty membership. */
    public static Membership empty() {
        return new Membership(MajorityConfig.of(), new long[0]);
    }

    /** Builds a membership from a persisted ConfState. */
    public static Membership fromConfState(ConfState cs) {
        long[] v = cs.getNodesList().stream().mapToLong(Long::longValue).toArray();
        long[] l = cs.getLearnersList().stream().mapToLong(Long::longValue).distinct().sorted().toArray();
        MajorityConfig voters = MajorityConfig.of(v);
        for (long id : l) {
            if (voters.contains(id)) {
                throw new IllegalArgumentException("peer " + id + " is both voter and learner in " + cs);
            }
        }
        return new Membership(voters, l);
    }

    /** True if {@code id} is a learner. */
    public boolean isLearner(long id) {
        return Arrays.binarySearch(learners, id) >= 0;
    }

    /** True if {@code id} is a voter or a learner. */
    public boolean contains(long id) {
        return voters.contains(id) || isLearner(id);
    }

    /** All member ids (voters then learners merged), sorted ascending. */
    public long[] allIds() {
        long[] all = new long[voters.size() + learners.length];
        long[] v = voters.ids();
        System.arraycopy(v, 0, all, 0, v.length);
        System.arraycopy(learners, 0, all, v.length, learners.length);
        Arrays.sort(all);
        return all;
    }

    /** The persisted form. */
    public ConfState toConfState() {
        ConfState.Builder b = ConfState.newBuilder();
        for (long id : voters.ids()) {
            b.addNodes(id);
        }
        for (long id : learners) {
            b.addLearners(id);
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Membership m && Arrays.equals(voters.ids(), m.voters.ids())
                && Arrays.equals(learners, m.learners);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(voters.ids()) * 31 + Arrays.hashCode(learners);
    }

    @Override
    public String toString() {
        return "voters=" + voters + " learners=" + Arrays.toString(learners);
    }
}
