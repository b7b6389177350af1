package org.tinykv.raft.confchange;

import java.util.Arrays;
import java.util.stream.LongStream;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.raft.quorum.MajorityConfig;
import org.tinykv.raft.tracker.Membership;

/**
 * Computes the membership after a single-peer change. Each change alters the voter set by at most one peer, so
 * any quorum of the old voters intersects any quorum of the new ones and no joint consensus is needed.
 *
 * <p>Rules: {@code AddNode} adds a voter (promoting a learner); {@code AddLearnerNode} adds a learner (demoting a
 * voter); {@code RemoveNode} removes a voter or learner. Node id 0 is a no-op. Removing the last voter is refused
 * with {@link IllegalArgumentException}. Stateless and thread-safe.
 */
public final class Changer {
    private Changer() {
    }

    /** Returns the membership after applying {@code cc} to {@code current}. */
    public static Membership apply(Membership current, ConfChange cc) {
        long id = cc.getNodeId();
        if (id == 0) {
            return current;
        }
        long[] voters = current.voters().ids();
        long[] learners = current.learners();
        switch (cc.getChangeType()) {
            case AddNode:
                voters = with(voters, id);
                learners = without(learners, id);
                break;
            case AddLearnerNode:
                voters = without(voters, id);
                learners = with(learners, id);
                break;
            case RemoveNode:
                voters = without(voters, id);
                learners = without(learners, id);
                break;
            default:
                throw new IllegalArgumentException("unknown conf change type " + cc.getChangeTypeValue());
        }
        if (voters.length == 0) {
            throw new IllegalArgumentException("conf change " + cc.getChangeType() + " " + id
                    + " would remove the last voter");
        }
        return new Membership(MajorityConfig.of(voters), learners);
    }

    private static long[] with(long[] ids, long id) {
        if (Arrays.binarySearch(ids, id) >= 0) {
            return ids;
        }
        return LongStream.concat(Arrays.stream(ids), LongStream.of(id)).sorted().toArray();
    }

    private static long[] without(long[] ids, long id) {
        return Arrays.stream(ids).filter(x -> x != id).toArray();
    }
}
