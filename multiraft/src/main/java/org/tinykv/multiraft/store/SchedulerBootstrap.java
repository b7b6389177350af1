package org.tinykv.multiraft.store;

import java.io.IOException;
import java.nio.file.Path;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.Store;
import org.tinykv.wal.fs.FileSystem;

/**
 * Store start through the scheduler (TinyKV's flow): a data dir without identity gets a store id from
 * {@link SchedulerClient#allocId()} and its identity written; if the cluster is not bootstrapped yet, this store
 * prepares the first region (all keys, one peer here, ids from the scheduler) on disk and then bootstraps the
 * cluster with it. If another store won that race, the prepared region is deleted again and this store starts
 * empty (its peers come from the scheduler's operators). Finally the store is registered with
 * {@link SchedulerClient#putStore}. A dir that already has an identity only re-registers.
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
        try (Engines e = Engines.open(fs, dir, cfg)) {
            final byte[] ident = e.kv().get(Keys.META_CF, Keys.storeIdentKey());
            if (ident != null) {
                existing = Bootstrap.parseIdent(ident, dir).getStoreId();
            }
        }
        final long storeId = existing != null ? existing : pd.allocId();
        final Store meta = Store.newBuilder().setId(storeId).setAddress(address).build();
        if (existing == null) {
            Bootstrap.bootstrapEmptyStore(fs, dir, clusterId, storeId, cfg);
            if (!pd.isBootstrapped()) {
                final Region first = Bootstrap.firstRegion(pd.allocId(), new long[] {storeId},
                        new long[] {pd.allocId()});
                Bootstrap.bootstrapStore(fs, dir, clusterId, storeId, first, cfg);
                try {
                    pd.bootstrap(meta, first);
                } catch (final IOException lost) {
                    if (!pd.isBootstrapped()) {
                        throw lost;
                    }
                    clearRegion(fs, dir, first.getId(), cfg);
                }
            }
        }
        pd.putStore(meta);
        return storeId;
    }

    /** Deletes a prepared but unused first region's states (synced). */
    private static void clearRegion(final FileSystem fs, final Path dir, final long regionId, final StoreConfig cfg)
            throws IOException {
        try (Engines e = Engines.open(fs, dir, cfg)) {
            e.raft().write(new WriteBatch().delete(Keys.META_CF, Keys.raftStateKey(regionId)), WriteOptions.SYNC);
            e.kv().write(new WriteBatch().delete(Keys.META_CF, Keys.regionStateKey(regionId))
                    .delete(Keys.META_CF, Keys.applyStateKey(regionId)), WriteOptions.SYNC);
        }
    }
}
