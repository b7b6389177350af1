package org.tinykv.raft.quorum;

/** Outcome of counting votes (or acknowledgements) against a majority configuration. */
public enum VoteResult {
    /** Neither a quorum of grants nor a quorum of rejections yet. */
    PENDING,
    /** A quorum granted. */
    WON,
    /** Enough voters rejected that a quorum of grants is impossible. */
    LOST
}
