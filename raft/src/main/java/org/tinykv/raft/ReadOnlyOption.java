package org.tinykv.raft;

/** How the leader confirms a read index. */
public enum ReadOnlyOption {
    /** Confirm leadership with a heartbeat round acknowledged by a quorum (always safe). */
    SAFE,
    /**
     * Trust the leader lease kept by check-quorum; no extra round trip. Requires {@code checkQuorum}. Not
     * linearizable on its own, even with synchronized clocks: see "Reads" in the {@link RawNode} javadoc.
     */
    LEASE_BASED
}
