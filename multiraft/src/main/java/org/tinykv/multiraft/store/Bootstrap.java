package org.tinykv.multiraft.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.PeerStorage;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftLocalState;
import org.tinykv.proto.raft_serverpb.RaftTruncatedState;
import org.tinykv.proto.raft_serverpb.RegionLocalState;
import org.tinykv.proto.raft_serverpb.StoreIdent;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.FileSystem;

/**
 * Stage-1 static bootstrap: writes a store's identity and, on each of the stores that will hold it, the first
 * region with a fixed set of peers (no scheduler involved). Every peer starts from the same log position
 * ({@link PeerStorage#INIT_INDEX}, {@link PeerStorage#INIT_TERM}) with the membership taken from the region, so
 * the peers can elect a leader among themselves.
 *
 * <p>Thread-safety: run before the store is opened, on a data dir no one else uses.
 */
public final class Bootstrap {

    private Bootstrap() {
    }

    /**
     * Writes the store identity and the region's initial states (synced). Idempotent for the same arguments.
     *
     * @throws IOException if the dir belongs to another store or cluster, or the region has no peer on it
     */
    public static void bootstrapStore(final FileSystem fs, final Path dir, final long clusterId, final long storeId,
                                      final Region firstRegion, final StoreConfig cfg) throws IOException {
        if (RegionChecks.findPeer(firstRegion, storeId) == null) {
            throw new IOException("region " + firstRegion.getId() + " has no peer on store " + storeId);
        }
        try (Engines e = Engines.open(fs, dir, cfg)) {
            final StoreIdent ident = StoreIdent.newBuilder().setClusterId(clusterId).setStoreId(storeId).build();
            final byte[] old = e.kv().get(Keys.META_CF, Keys.storeIdentKey());
            if (old != null && !parseIdent(old, dir).equals(ident)) {
                throw new IOException(dir + " already belongs to " + parseIdent(old, dir).toString().trim());
            }
            final long regionId = firstRegion.getId();
            final HardState hs = HardState.newBuilder().setTerm(PeerStorage.INIT_TERM)
                    .setCommit(PeerStorage.INIT_INDEX).build();
            final WriteBatch raftWb = new WriteBatch();
            raftWb.put(Keys.META_CF, Keys.raftStateKey(regionId), RaftLocalState.newBuilder().setHardState(hs)
                    .setLastIndex(PeerStorage.INIT_INDEX).setLastTerm(PeerStorage.INIT_TERM).build().toByteArray());
            e.raft().write(raftWb, WriteOptions.SYNC);
            final WriteBatch kvWb = new WriteBatch();
            kvWb.put(Keys.META_CF, Keys.storeIdentKey(), ident.toByteArray());
            kvWb.put(Keys.META_CF, Keys.applyStateKey(regionId), RaftApplyState.newBuilder()
                    .setAppliedIndex(PeerStorage.INIT_INDEX).setTruncatedState(RaftTruncatedState.newBuilder()
                            .setIndex(PeerStorage.INIT_INDEX).setTerm(PeerStorage.INIT_TERM)).build().toByteArray());
            kvWb.put(Keys.META_CF, Keys.regionStateKey(regionId), RegionLocalState.newBuilder()
                    .setState(PeerState.Normal).setRegion(firstRegion).build().toByteArray());
            e.kv().write(kvWb, WriteOptions.SYNC);
        }
    }

    /**
     * Writes only the store identity (synced): a store that holds no region yet and gets its peers on demand
     * (conf changes). Idempotent for the same arguments.
     *
     * @throws IOException if the dir belongs to another store or cluster
     */
    public static void bootstrapEmptyStore(final FileSystem fs, final Path dir, final long clusterId,
                                           final long storeId, final StoreConfig cfg) throws IOException {
        try (Engines e = Engines.open(fs, dir, cfg)) {
            final StoreIdent ident = StoreIdent.newBuilder().setClusterId(clusterId).setStoreId(storeId).build();
            final byte[] old = e.kv().get(Keys.META_CF, Keys.storeIdentKey());
            if (old != null && !parseIdent(old, dir).equals(ident)) {
                throw new IOException(dir + " already belongs to " + parseIdent(old, dir).toString().trim());
            }
            e.kv().write(new WriteBatch().put(Keys.META_CF, Keys.storeIdentKey(), ident.toByteArray()),
                    WriteOptions.SYNC);
        }
    }

    /**
     * The stage-1 first region: id {@code regionId}, all keys ({@code ""..""}), epoch conf_ver 1 / version 1, one
     * peer per store with ids {@code peerIds[i]} on {@code storeIds[i]}.
     */
    public static Region firstRegion(final long regionId, final long[] storeIds, final long[] peerIds) {
        if (storeIds.length == 0 || storeIds.length != peerIds.length) {
            throw new IllegalArgumentException("need one peer id per store");
        }
        final Region.Builder b = Region.newBuilder().setId(regionId)
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1));
        for (int i = 0; i < storeIds.length; i++) {
            b.addPeers(Peer.newBuilder().setId(peerIds[i]).setStoreId(storeIds[i]));
        }
        return b.build();
    }

    static StoreIdent parseIdent(final byte[] b, final Path dir) throws CorruptionException {
        try {
            return StoreIdent.parseFrom(b);
        } catch (final InvalidProtocolBufferException ex) {
            throw new CorruptionException(dir.resolve("kv").toString(), 0, "bad store ident: " + ex.getMessage());
        }
    }
}
