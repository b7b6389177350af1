package org.tinykv.multiraft.peer;

import java.util.List;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;

/**
 * Work a peer hands to its region's {@link ApplyDelegate}, in order: committed entries to apply, received
 * snapshots to install, and reads to serve once the applied index reaches their read index.
 */
public sealed interface ApplyTask {

    /** The region the task belongs to. */
    long regionId();

    /**
     * Committed entries to apply, with the proposals whose index is at most the last entry's.
     *
     * @param regionId  region
     * @param entries   committed entries in index order
     * @param proposals proposals in index order
     */
    record Apply(long regionId, List<Entry> entries, List<Proposal> proposals) implements ApplyTask {
    }

    /**
     * A read-only command confirmed by ReadIndex: serve it once {@code readIndex} is applied.
     *
     * @param regionId  region
     * @param readIndex the commit index the leader confirmed
     * @param term      the leader's term when confirmed
     * @param request   the read-only command (Get and Snap requests)
     * @param callback  who waits for the result
     */
    record Read(long regionId, long readIndex, long term, RaftCmdRequest request, CmdCallback callback)
            implements ApplyTask {
    }

    /**
     * A snapshot the raft side accepted and persisted (log replaced, marker written): install its data.
     *
     * @param regionId region
     * @param snapshot the raft snapshot
     * @param files    its received files
     */
    record ApplySnapshot(long regionId, Snapshot snapshot, SnapshotFiles files) implements ApplyTask {
    }

    /**
     * This peer learned that it was removed from the region (a newer member told it): delete its data and leave a
     * tombstone carrying {@code epoch}, then report like a conf change that removed it.
     *
     * @param regionId region
     * @param epoch    the newer region epoch seen (the tombstone keeps it so older messages are dropped)
     */
    record Destroy(long regionId, org.tinykv.proto.metapb.RegionEpoch epoch) implements ApplyTask {
    }
}
