package org.tinykv.multiraft.peer;

import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.metapb.Region;

/**
 * What the apply side reports back to its region's {@link Peer} after the kv-engine batch holding it is written:
 * the raft side then truncates the log, changes the raft membership, forgets an applied snapshot, or destroys
 * itself.
 */
public sealed interface ApplyResult {

    /** The region the result belongs to. */
    long regionId();

    /**
     * A CompactLog was applied: entries up to {@code index} may be deleted from the raft engine.
     *
     * @param regionId region
     * @param index    new truncated index
     * @param term     its term
     */
    record CompactLog(long regionId, long index, long term) implements ApplyResult {
    }

    /**
     * A ChangePeer was applied (the region meta is written).
     *
     * @param regionId    region
     * @param change      the raft conf change to apply to the raft node (null if this peer learned of its removal
     *                    from another peer instead of applying it)
     * @param region      the region after the change
     * @param removedSelf true if this peer was removed: its data is gone and its tombstone written (synced)
     */
    record ConfChanged(long regionId, ConfChange change, Region region, boolean removedSelf)
            implements ApplyResult {
    }

    /**
     * A Split was applied: both regions' states are written (synced).
     *
     * @param regionId region (now the left part)
     * @param left     the region after the split
     * @param right    the new region
     */
    record Split(long regionId, Region left, Region right) implements ApplyResult {
    }

    /**
     * A snapshot's data and states are in the kv engine.
     *
     * @param regionId region
     * @param index    the snapshot's index
     */
    record SnapshotApplied(long regionId, long index) implements ApplyResult {
    }
}
