package org.tinykv.multiraft.operation.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftSnapshotData;
import org.tinykv.proto.raft_serverpb.RaftTruncatedState;
import org.tinykv.proto.raft_serverpb.RegionLocalState;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;

/**
 * Installs a received snapshot into the kv engine. Idempotent, so that a crash at any point is repaired by
 * running it again on restart (see docs/formats/snapshot.md, "Apply order"): verify every file's checksum,
 * range-delete the region's data in each data CF, ingest a copy of each SST (the received files stay until the
 * raft side forgets the snapshot), then write the apply state (applied = truncated = snapshot index) and the
 * region state in one synced batch.
 *
 * <p>Thread-safety: stateless; the caller serializes applies of one region with its other kv writes.
 */
public final class SnapshotApplier {

    private SnapshotApplier() {
    }

    /**
     * Applies {@code snap} (files in {@code files}) over whatever the kv engine holds for the region, also
     * clearing {@code oldRegion}'s range if it differs (null if the peer had no data). Returns the new apply
     * state.
     *
     * @throws org.tinykv.wal.CorruptionException if a file is missing or its checksum does not match
     */
    public static RaftApplyState apply(final Db kvDb, final SnapshotFiles files, final Snapshot snap,
                                       final Region oldRegion) throws IOException {
        final RaftSnapshotData data = SnapManager.parseData(snap);
        SnapManager.verify(files);
        final Region region = data.getRegion();
        final WriteBatch clear = new WriteBatch();
        clearRange(clear, region);
        if (oldRegion != null && !oldRegion.getPeersList().isEmpty()
                && (!oldRegion.getStartKey().equals(region.getStartKey())
                || !oldRegion.getEndKey().equals(region.getEndKey()))) {
            clearRange(clear, oldRegion);
        }
        kvDb.write(clear, WriteOptions.NO_SYNC);
        for (final SnapshotCFFile f : files.meta().getCfFilesList()) {
            final Cf cf = Cf.fromName(f.getCf());
            if (cf == null || !SnapManager.DATA_CFS.contains(cf)) {
                throw new org.tinykv.wal.CorruptionException(files.path(f).toString(), 0,
                        "snapshot file of unknown column family '" + f.getCf() + "'");
            }
            final Path tmp = files.dir().resolve(f.getCf() + ".ingest");
            SnapManager.copy(files.fs(), files.path(f), files.fs(), tmp);
            kvDb.ingestExternalFiles(cf, List.of(tmp));
        }
        final RaftApplyState as = RaftApplyState.newBuilder().setAppliedIndex(snap.getMetadata().getIndex())
                .setTruncatedState(RaftTruncatedState.newBuilder().setIndex(snap.getMetadata().getIndex())
                        .setTerm(snap.getMetadata().getTerm())).build();
        final WriteBatch states = new WriteBatch();
        states.put(Keys.META_CF, Keys.applyStateKey(region.getId()), as.toByteArray());
        states.put(Keys.META_CF, Keys.regionStateKey(region.getId()), RegionLocalState.newBuilder()
                .setState(PeerState.Normal).setRegion(region).build().toByteArray());
        kvDb.write(states, WriteOptions.SYNC);
        return as;
    }

    /** Adds range deletes of {@code region}'s data keys in every data CF to {@code wb}. */
    public static void clearRange(final WriteBatch wb, final Region region) {
        final byte[] start = Keys.dataKey(region.getStartKey().toByteArray());
        final byte[] end = Keys.dataEndKey(region.getEndKey().toByteArray());
        for (final Cf cf : SnapManager.DATA_CFS) {
            wb.deleteRange(cf, start, end);
        }
    }
}
