package org.tinykv.raft;

/** How the leader confirms a read index. */
public enum ReadOnlyOption {
    /** Confirm leadership with a heartbeat round acknowledged by a quorum (always safe). */
    SAFE,
    /**
     * Trust the leader lease kept by check-quorum; no extra round trip. Relies on bounded clock drift between
     * peers; requires {@code checkQuorum}.
     */
    LEASE_BASED
}
