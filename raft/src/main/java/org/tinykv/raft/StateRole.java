package org.tinykv.raft;

/** The role a raft node plays in its current term. Not persisted. */
public enum StateRole {
    FOLLOWER,
    /** Running a pre-vote round (term not yet incremented). */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
