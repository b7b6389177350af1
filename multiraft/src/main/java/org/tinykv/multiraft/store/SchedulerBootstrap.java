package org.tinykv.multiraft.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.raft_serverpb.StoreIdent;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.FileSystem;

/**
 * Store start through the scheduler (TinyKV's flow): a data dir without identity gets a store id from
 * {@link SchedulerClient#allocId()} and its identity written; if the cluster is not bootstrapped yet, this store
 * prepares the first region (all keys, one peer here, ids from the scheduler) on disk and then bootstraps the
 * cluster with it. If another store won that race, the prepared region is deleted again and this store starts
 * empty (its peers come from the scheduler's operators). Finally the store is registered with
 * {@link SchedulerClient#putStore}. A dir that already has an identity only re-registers.
 *
 * <p>Crash safety: the prepared region is recorded under the prepare-bootstrap key (raft-log.md) before its states
 * are written, and the record is deleted only once the scheduler's answer is known. A store restarted with the
 * record still there bootstraps with the SAME region if the cluster is still not bootstrapped, keeps the region if
 * the scheduler knows it or this store (it won, then crashed), and deletes it otherwise (it lost the race).
 *
 * <p>Thread-safety: run before the store is opened, on a data dir no one else uses.
 */
public final class SchedulerBootstrap {

    private SchedulerBootstrap() {
    }

    /**
     * Makes {@code dir} a store of the scheduler's cluster and returns its store id.
     *
     * @throws IOException if the scheduler cannot be reached or the dir belongs to another cluster
     */
    public static long prepare(final FileSystem fs, final Path dir, final long clusterId, final String address,
                               final SchedulerClient pd, final StoreConfig cfg) throws IOException {
        fs.createDirectories(dir);
        Long existing = null;
        Region prepared;
        boolean holdsRegions;
        try (Engines e = Engines.open(fs, dir, cfg)) {
            final byte[] ident = e.kv().get(Keys.META_CF, Keys.storeIdentKey());
            if (ident != null) {
                existing = Bootstrap.parseIdent(ident, dir).getStoreId();
            }
            prepared = readPrepared(e, dir);
            holdsRegions = holdsRegions(e);
        }
        final long storeId = existing != null ? existing : pd.allocId();
        final Store meta = Store.newBuilder().setId(storeId).setAddress(address).build();
        if (existing == null) {
            Bootstrap.bootstrapEmptyStore(fs, dir, clusterId, storeId, cfg);
        }
        if (!pd.isBootstrapped() && (prepared != null || !holdsRegions)) {
            if (prepared == null) {
                prepared = Bootstrap.firstRegion(pd.allocId(), new long[] {storeId}, new long[] {pd.allocId()});
                writePrepared(fs, dir, cfg, prepared);
            }
            Bootstrap.bootstrapStore(fs, dir, clusterId, storeId, prepared, cfg);
            try {
                pd.bootstrap(meta, prepared);
            } catch (final IOException lost) {
                if (!pd.isBootstrapped()) {
                    throw lost;
                }
            }
        }
        if (prepared != null) {
            // Bootstrapping registers the winner's store, and a store registers itself only after this point, so
            // a known store means this one won even if its region has not been heartbeated yet.
            if (pd.getRegionById(prepared.getId()) != null || pd.getStore(storeId) != null) {
                clearPrepared(fs, dir, cfg);
            } else {
                clearRegion(fs, dir, prepared.getId(), cfg);
            }
        }
        pd.putStore(meta);
        return storeId;
    }

    /**
     * The identity (cluster and store id) of {@code dir} if it is a store that finished joining a cluster (an
     * identity and no pending first region), so it can start from its own disk while the scheduler is
     * unreachable; null otherwise.
     *
     * @throws IOException if the dir cannot be read
     */
    public static StoreIdent joinedStore(final FileSystem fs, final Path dir, final StoreConfig cfg)
            throws IOException {
        if (!fs.exists(dir)) {
            return null;
        }
        try (Engines e = Engines.open(fs, dir, cfg)) {
            final byte[] ident = e.kv().get(Keys.META_CF, Keys.storeIdentKey());
            if (ident == null || readPrepared(e, dir) != null) {
                return null;
            }
            return Bootstrap.parseIdent(ident, dir);
        }
    }

    private static Region readPrepared(final Engines e, final Path dir) throws IOException {
        final byte[] v = e.kv().get(Keys.META_CF, Keys.prepareBootstrapKey());
        if (v == null) {
            return null;
        }
        try {
            return Region.parseFrom(v);
        } catch (final InvalidProtocolBufferException ex) {
            throw new CorruptionException(dir.resolve("kv").toString(), 0, "bad prepared region: " + ex.getMessage());
        }
    }

    private static boolean holdsRegions(final Engines e) throws IOException {
        final ReadOptions ro = ReadOptions.builder().lowerBound(Keys.regionMetaMinKey())
                .upperBound(Keys.regionMetaMaxKey()).build();
        try (DbIterator it = e.kv().newIterator(ro, Keys.META_CF)) {
            it.seekToFirst();
            return it.valid();
        }
    }

    private static void writePrepared(final FileSystem fs, final Path dir, final StoreConfig cfg, final Region r)
            throws IOException {
        try (Engines e = Engines.open(fs, dir, cfg)) {
            e.kv().write(new WriteBatch().put(Keys.META_CF, Keys.prepareBootstrapKey(), r.toByteArray()),
                    WriteOptions.SYNC);
        }
    }

    private static void clearPrepared(final FileSystem fs, final Path dir, final StoreConfig cfg) throws IOException {
        try (Engines e = Engines.open(fs, dir, cfg)) {
            e.kv().write(new WriteBatch().delete(Keys.META_CF, Keys.prepareBootstrapKey()), WriteOptions.SYNC);
        }
    }

    /** Deletes a prepared but unused first region's states and then its record (synced). */
    private static void clearRegion(final FileSystem fs, final Path dir, final long regionId, final StoreConfig cfg)
            throws IOException {
        try (Engines e = Engines.open(fs, dir, cfg)) {
            e.raft().write(new WriteBatch().delete(Keys.META_CF, Keys.raftStateKey(regionId)), WriteOptions.SYNC);
            e.kv().write(new WriteBatch().delete(Keys.META_CF, Keys.regionStateKey(regionId))
                    .delete(Keys.META_CF, Keys.applyStateKey(regionId))
                    .delete(Keys.META_CF, Keys.prepareBootstrapKey()), WriteOptions.SYNC);
        }
    }
}
