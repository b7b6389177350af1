package org.tinykv.raft;

/** How the leader confirms a read index. */
public enum ReadOnlyOption {
    /** Confirm leadership with a heartbeat round acknowledged by a quorum (always safe). */
    SAFE,
    /**
     * Answer at once while the leader lease (anchored at heartbeat send time) holds, else fall back to a heartbeat
     * round. Requires {@code checkQuorum} and the same option on every voter. Linearizable only under the clock
     * assumption stated in "Reads" of the {@link RawNode} javadoc.
     */
    LEASE_BASED
}
