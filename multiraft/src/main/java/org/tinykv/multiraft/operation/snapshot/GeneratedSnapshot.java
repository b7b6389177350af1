package org.tinykv.multiraft.operation.snapshot;

import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.metapb.Region;

/**
 * A snapshot generated on this store, ready to be sent.
 *
 * @param snapshot the raft snapshot (metadata + {@code RaftSnapshotData} in its data)
 * @param region   the region as of the snapshot
 * @param files    its SST files
 */
public record GeneratedSnapshot(Snapshot snapshot, Region region, SnapshotFiles files) {

    /** The snapshot's index. */
    public long index() {
        return snapshot.getMetadata().getIndex();
    }
}
