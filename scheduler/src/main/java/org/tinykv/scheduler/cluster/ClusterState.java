package org.tinykv.scheduler.cluster;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.metapb.Cluster;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.schedulerpb.StoreStats;
import org.tinykv.scheduler.meta.MetaBatch;
import org.tinykv.scheduler.meta.MetaKeys;
import org.tinykv.scheduler.meta.MetaStore;
import org.tinykv.wal.CorruptionException;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * The cluster metadata: cluster id, bootstrap state and config, stores, regions and the GC safe point, kept in
 * memory and persisted in a {@link MetaStore} (every change is synced before the call returns). Region heartbeats
 * update the {@link RegionTree}; only changes of region metadata (range, epoch, peers) are persisted.
 *
 * <p>Thread-safe: every method synchronizes on this object; the returned values are immutable snapshots.
 */
public final class ClusterState {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterState.class);

    private final MetaStore store;
    private final Clock clock;
    private final long clusterId;
    private final Map<Long, StoreInfo> stores = new TreeMap<>();
    private final RegionTree regions = new RegionTree();
    private Cluster config; // null until bootstrapped
    private long gcSafePoint;

    private ClusterState(MetaStore store, Clock clock, long clusterId) {
        this.store = store;
        this.clock = clock;
        this.clusterId = clusterId;
    }

    /**
     * Loads the cluster from {@code store}, creating a cluster id with {@code newClusterId} (which must return a
     * non-zero value) on the first start.
     */
    public static ClusterState open(MetaStore store, Clock clock, LongSupplier newClusterId) throws IOException {
        byte[] idBytes = store.get(MetaKeys.CLUSTER_ID);
        long id;
        if (idBytes == null) {
            id = newClusterId.getAsLong();
            if (id == 0) {
                throw new IllegalArgumentException("cluster id must not be 0");
            }
            store.put(MetaKeys.CLUSTER_ID, MetaKeys.u64(id));
            LOG.info("created cluster id={}", Long.toUnsignedString(id));
        } else {
            id = MetaKeys.decodeU64(MetaKeys.CLUSTER_ID, idBytes);
        }
        ClusterState s = new ClusterState(store, clock, id);
        s.load();
        return s;
    }

    private synchronized void load() throws IOException {
        byte[] meta = store.get(MetaKeys.CLUSTER_META);
        if (meta != null) {
            config = parse(MetaKeys.CLUSTER_META, meta, Cluster.parser());
        }
        long now = clock.millis();
        List<IOException> errors = new ArrayList<>();
        store.scanPrefix(MetaKeys.STORE_PREFIX, (k, v) -> {
            try {
                Store s = parse(k, v, Store.parser());
                stores.put(s.getId(), new StoreInfo(s, StoreStats.getDefaultInstance(), now));
            } catch (IOException e) {
                errors.add(e);
            }
        });
        store.scanPrefix(MetaKeys.REGION_PREFIX, (k, v) -> {
            try {
                Region r = parse(k, v, Region.parser());
                regions.put(new RegionInfo(r, null, List.of(), 0));
            } catch (IOException e) {
                errors.add(e);
            }
        });
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        byte[] sp = store.get(MetaKeys.GC_SAFE_POINT);
        gcSafePoint = sp == null ? 0 : MetaKeys.decodeU64(MetaKeys.GC_SAFE_POINT, sp);
        LOG.info("loaded cluster id={} bootstrapped={} stores={} regions={} gcSafePoint={}",
                Long.toUnsignedString(clusterId), config != null, stores.size(), regions.size(), gcSafePoint);
    }

    private static <T> T parse(byte[] key, byte[] value, com.google.protobuf.Parser<T> parser)
            throws CorruptionException {
        try {
            return parser.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptionException("meta", 0, "unparsable value of " + MetaKeys.describe(key) + ": "
                    + e.getMessage());
        }
    }

    /** Returns the cluster id (never 0). */
    public long clusterId() {
        return clusterId;
    }

    /** Returns whether the cluster has been bootstrapped. */
    public synchronized boolean isBootstrapped() {
        return config != null;
    }

    /**
     * Bootstraps the cluster with its first store. Returns false (and changes nothing) if already bootstrapped.
     */
    public synchronized boolean bootstrap(Store first, int maxPeerCount) throws IOException, InvalidRequestException {
        if (config != null) {
            return false;
        }
        validateStore(first);
        Cluster c = Cluster.newBuilder().setId(clusterId).setMaxPeerCount(maxPeerCount).build();
        store.write(new MetaBatch().put(MetaKeys.storeKey(first.getId()), first.toByteArray())
                .put(MetaKeys.CLUSTER_META, c.toByteArray()));
        config = c;
        stores.put(first.getId(), new StoreInfo(first, StoreStats.getDefaultInstance(), clock.millis()));
        LOG.info("bootstrapped cluster id={} firstStore={} address={}", Long.toUnsignedString(clusterId),
                first.getId(), first.getAddress());
        return true;
    }

    /** Returns the cluster config, or null before bootstrap. */
    public synchronized Cluster config() {
        return config;
    }

    /** Replaces the cluster config; its id must be this cluster's. */
    public synchronized void putConfig(Cluster c) throws IOException, InvalidRequestException {
        if (c.getId() != clusterId) {
            throw new InvalidRequestException(InvalidRequestException.Kind.INVALID, "invalid cluster " + c.getId()
                    + ", mismatch cluster id " + Long.toUnsignedString(clusterId));
        }
        store.put(MetaKeys.CLUSTER_META, c.toByteArray());
        config = c;
        LOG.info("put cluster config maxPeerCount={}", c.getMaxPeerCount());
    }

    /** Returns the configured replica count (3 before bootstrap or when unset). */
    public synchronized int maxReplicas() {
        return config == null || config.getMaxPeerCount() == 0 ? 3 : config.getMaxPeerCount();
    }

    /** Adds a store or updates the address of a known one (its state is kept). */
    public synchronized void putStore(Store s) throws IOException, InvalidRequestException {
        validateStore(s);
        StoreInfo old = stores.get(s.getId());
        if (old != null && old.isTombstone()) {
            throw new InvalidRequestException(InvalidRequestException.Kind.TOMBSTONE, "store is tombstone");
        }
        for (StoreInfo other : stores.values()) {
            if (other.id() != s.getId() && !other.isTombstone() && other.meta().getAddress().equals(s.getAddress())) {
                throw new InvalidRequestException(InvalidRequestException.Kind.INVALID,
                        "duplicated store address: " + s.getAddress() + " already used by store " + other.id());
            }
        }
        Store merged = old == null ? s : old.meta().toBuilder().setAddress(s.getAddress()).build();
        store.put(MetaKeys.storeKey(s.getId()), merged.toByteArray());
        StoreInfo info = old == null ? new StoreInfo(merged, StoreStats.getDefaultInstance(), clock.millis())
                : new StoreInfo(merged, old.stats(), old.lastHeartbeatMillis());
        stores.put(s.getId(), info);
        LOG.info("put store id={} address={} state={}", s.getId(), merged.getAddress(), merged.getState());
    }

    /** Changes the state of a store (administrative: Offline to drain it, Tombstone once empty). */
    public synchronized void setStoreState(long storeId, StoreState state) throws IOException,
            InvalidRequestException {
        StoreInfo old = requireStore(storeId);
        Store merged = old.meta().toBuilder().setState(state).build();
        store.put(MetaKeys.storeKey(storeId), merged.toByteArray());
        stores.put(storeId, new StoreInfo(merged, old.stats(), old.lastHeartbeatMillis()));
        LOG.info("store id={} state={}", storeId, state);
    }

    /** Records a store heartbeat. */
    public synchronized void storeHeartbeat(StoreStats stats) throws InvalidRequestException {
        StoreInfo old = requireStore(stats.getStoreId());
        if (old.isTombstone()) {
            throw new InvalidRequestException(InvalidRequestException.Kind.TOMBSTONE, "store is tombstone");
        }
        stores.put(old.id(), new StoreInfo(old.meta(), stats, clock.millis()));
    }

    /** Returns store {@code id} or null. */
    public synchronized StoreInfo store(long id) {
        return stores.get(id);
    }

    /** Returns every store in id order. */
    public synchronized List<StoreInfo> stores() {
        return new ArrayList<>(stores.values());
    }

    private StoreInfo requireStore(long id) throws InvalidRequestException {
        StoreInfo s = stores.get(id);
        if (s == null) {
            throw new InvalidRequestException(InvalidRequestException.Kind.NOT_FOUND, "store " + id + " not found");
        }
        return s;
    }

    private static void validateStore(Store s) throws InvalidRequestException {
        if (s.getId() == 0) {
            throw new InvalidRequestException(InvalidRequestException.Kind.INVALID, "invalid zero store id");
        }
        if (s.getAddress().isEmpty()) {
            throw new InvalidRequestException(InvalidRequestException.Kind.INVALID,
                    "store " + s.getId() + " has no address");
        }
    }

    /**
     * Applies a region heartbeat. A report whose epoch (version or conf_ver) is older than the known region's, or
     * whose version is older than that of a region it overlaps, is refused as stale. Overlapped regions are
     * dropped; a change of range, epoch or peers is persisted.
     *
     * @return the region now known
     */
    public synchronized RegionInfo handleRegionHeartbeat(RegionInfo r) throws IOException, InvalidRequestException {
        validateRegion(r.meta());
        RegionInfo origin = regions.get(r.id());
        if (origin != null && origin.meta().equals(r.meta())) {
            regions.put(r); // fast path: same metadata, only leader/pending/size may differ
            return r;
        }
        RegionEpoch e = r.epoch();
        if (origin != null && (e.getVersion() < origin.epoch().getVersion()
                || e.getConfVer() < origin.epoch().getConfVer())) {
            throw stale(r, origin);
        }
        List<RegionInfo> overlaps = regions.overlaps(r);
        for (RegionInfo o : overlaps) {
            if (e.getVersion() < o.epoch().getVersion()) {
                throw stale(r, o);
            }
        }
        MetaBatch batch = new MetaBatch().put(MetaKeys.regionKey(r.id()), r.meta().toByteArray());
        for (RegionInfo o : overlaps) {
            batch.delete(MetaKeys.regionKey(o.id()));
        }
        store.write(batch);
        regions.put(r);
        if (origin == null && overlaps.isEmpty()) {
            LOG.debug("new region id={} epoch=({},{})", r.id(), e.getConfVer(), e.getVersion());
        } else if (!overlaps.isEmpty()) {
            LOG.info("region id={} epoch=({},{}) replaced {} overlapping region(s)", r.id(), e.getConfVer(),
                    e.getVersion(), overlaps.size());
        }
        return r;
    }

    private static InvalidRequestException stale(RegionInfo r, RegionInfo known) {
        return new InvalidRequestException(InvalidRequestException.Kind.STALE, "region " + r.id() + " epoch (conf_ver "
                + r.epoch().getConfVer() + ", version " + r.epoch().getVersion() + ") is stale against region "
                + known.id() + " (conf_ver " + known.epoch().getConfVer() + ", version " + known.epoch().getVersion()
                + ")");
    }

    private static void validateRegion(Region m) throws InvalidRequestException {
        if (m.getId() == 0) {
            throw new InvalidRequestException(InvalidRequestException.Kind.INVALID, "invalid region id 0");
        }
        if (!m.hasRegionEpoch()) {
            throw new InvalidRequestException(InvalidRequestException.Kind.INVALID,
                    "region " + m.getId() + " has no epoch");
        }
        if (!m.getEndKey().isEmpty() && KeyOrder.compare(m.getStartKey(), m.getEndKey()) >= 0) {
            throw new InvalidRequestException(InvalidRequestException.Kind.INVALID,
                    "region " + m.getId() + " has start key >= end key");
        }
    }

    /**
     * Checks that a region asking to split is known with the same epoch (as TinyKV's validRequestRegion does).
     */
    public synchronized void validateSplitRegion(Region m) throws InvalidRequestException {
        RegionInfo known = regions.get(m.getId());
        if (known == null) {
            throw new InvalidRequestException(InvalidRequestException.Kind.NOT_FOUND,
                    "region " + m.getId() + " not found");
        }
        if (!known.epoch().equals(m.getRegionEpoch())) {
            throw new InvalidRequestException(InvalidRequestException.Kind.STALE,
                    "invalid region epoch for region " + m.getId());
        }
    }

    /** Returns region {@code id} or null. */
    public synchronized RegionInfo region(long id) {
        return regions.get(id);
    }

    /** Returns the region containing {@code key} or null. */
    public synchronized RegionInfo regionByKey(ByteString key) {
        return regions.getByKey(key);
    }

    /** Returns the region adjacent before the one containing {@code key}, or null. */
    public synchronized RegionInfo prevRegion(ByteString key) {
        return regions.getPrev(key);
    }

    /** See {@link RegionTree#scan}. */
    public synchronized List<RegionInfo> scanRegions(ByteString start, ByteString end, int limit) {
        return regions.scan(start, end, limit);
    }

    /** Returns every region in key order. */
    public synchronized List<RegionInfo> regions() {
        return regions.all();
    }

    /** Returns the number of known regions. */
    public synchronized int regionCount() {
        return regions.size();
    }

    /** Returns the per-store aggregates. */
    public synchronized StoreRegionStats regionStats(long storeId) {
        return regions.stats(storeId);
    }

    /** See {@link RegionTree#randomRegion}. */
    public synchronized RegionInfo randomRegion(long storeId, RegionTree.Role role, RandomGenerator rnd,
            Predicate<RegionInfo> filter) {
        return regions.randomRegion(storeId, role, rnd, filter);
    }

    /** Returns the GC safe point. */
    public synchronized long gcSafePoint() {
        return gcSafePoint;
    }

    /** Raises the GC safe point to {@code sp} if higher (unsigned) and returns the resulting safe point. */
    public synchronized long updateGcSafePoint(long sp) throws IOException {
        if (Long.compareUnsigned(sp, gcSafePoint) > 0) {
            store.put(MetaKeys.GC_SAFE_POINT, MetaKeys.u64(sp));
            gcSafePoint = sp;
            LOG.info("updated gc safe point={}", Long.toUnsignedString(sp));
        } else if (Long.compareUnsigned(sp, gcSafePoint) < 0) {
            LOG.warn("refused to lower gc safe point old={} new={}", Long.toUnsignedString(gcSafePoint),
                    Long.toUnsignedString(sp));
        }
        return gcSafePoint;
    }

    /** Returns the leader peer of region {@code id} or null. */
    public synchronized Peer leaderOf(long id) {
        RegionInfo r = regions.get(id);
        return r == null ? null : r.leader();
    }
}
