package org.tinykv.raft.tracker;

/** How the leader is currently replicating to one follower. Not persisted. */
public enum ProgressState {
    /** The leader does not know the follower's match index; it sends one append per heartbeat interval. */
    PROBE,
    /** The follower is known to be in sync; appends are streamed optimistically within the inflight window. */
    REPLICATE,
    /** The follower needs entries the leader has compacted; a snapshot is in flight. */
    SNAPSHOT
}
