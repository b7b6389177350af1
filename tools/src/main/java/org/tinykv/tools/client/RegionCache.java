package org.tinykv.tools.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.tinykv.proto.errorpb.EpochNotMatch;
import org.tinykv.proto.errorpb.NotLeader;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.schedulerpb.GetRegionResponse;

/**
 * The client's view of the cluster's regions, after TinySQL's {@code region_cache.go}: regions sorted by start key
 * (and indexed by id), the peer believed to lead each, and store addresses. A miss asks the scheduler
 * ({@code GetRegion}, {@code GetStore}); region errors and transport failures update or drop entries.
 *
 * <p><b>Key space.</b> The cache compares keys with region bounds as unsigned bytes, exactly as the store does
 * ({@code multiraft}'s {@code RegionChecks.keyInRegion}), and sends them to the scheduler unchanged. It assumes
 * region bounds from the scheduler and in {@code EpochNotMatch.current_regions} are the raw bounds the stores keep,
 * with no decoding applied (unlike TinySQL's {@code codecPDClient}, which decodes them). The caller passes keys in
 * that same space: a raw-API key as it is (the store applies no encoding to raw keys), a transactional user key as
 * {@code EncodeBytes(userKey)} (the store keeps MVCC keys and chooses split keys in that encoded space, see
 * PROTOCOL.md §4.4). {@link ClusterClient} does this.
 *
 * <p>Reactions (PROTOCOL.md §2.1): NotLeader with a hint on a store of the region makes that peer the leader, a
 * hint outside the region drops the region, no hint moves to the next peer; EpochNotMatch replaces the region by
 * the current regions (ignored where the cache already holds a newer epoch of the same region), the answering
 * store's peer becoming their leader; RegionNotFound, KeyNotInRegion and other errors drop the region; StoreNotMatch
 * and transport failures forget the store's address (resolved again on the next use), and a transport failure also
 * moves to the next peer, dropping the region once every peer failed in a row.
 *
 * <p>Thread-safe. Lookups are lock-free (concurrent maps of immutable {@link CachedRegion}s); updates are
 * serialized. An update from a request that saw an older value of the region than the current one is ignored
 * where applying it could undo newer knowledge.
 */
public final class RegionCache {
    private final SchedulerClient scheduler;
    private final ConcurrentSkipListMap<byte[], CachedRegion> byStart =
        new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final Map<Long, CachedRegion> byId = new ConcurrentHashMap<>();
    private final Map<Long, String> storeAddresses = new ConcurrentHashMap<>();
    private final Object updates = new Object();

    /** An empty cache that loads from {@code scheduler}. */
    public RegionCache(final SchedulerClient scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * The region holding {@code key}, from the cache or else from the scheduler.
     *
     * @throws RouteException if the scheduler cannot say (yet)
     */
    public CachedRegion locate(final byte[] key) {
        final CachedRegion cached = cachedRegionOf(key);
        if (cached != null) {
            return cached;
        }
        final GetRegionResponse r = scheduler.region(key);
        int leader = 0;
        if (r.hasLeader()) {
            for (int i = 0; i < r.getRegion().getPeersCount(); i++) {
                if (r.getRegion().getPeers(i).getId() == r.getLeader().getId()) {
                    leader = i;
                }
            }
        }
        final CachedRegion loaded = CachedRegion.of(r.getRegion(), leader);
        if (!loaded.contains(key)) {
            throw new RouteException(RegionErrorKind.REGION_MISS, "scheduler GetRegion answered " + loaded
                + " which does not hold the key");
        }
        synchronized (updates) {
            final CachedRegion known = byId.get(loaded.id());
            if (known != null && isOlder(loaded.region().getRegionEpoch(), known.region().getRegionEpoch())) {
                // the scheduler lags behind what a store told us (e.g. a split it has not heard of yet)
                if (known.contains(key)) {
                    return known;
                }
                throw new RouteException(RegionErrorKind.REGION_MISS, "scheduler GetRegion answered " + loaded
                    + ", older than the cached " + known);
            }
            insert(loaded);
        }
        return loaded;
    }

    /** The cached region holding {@code key}, or null if none is cached (never asks the scheduler). */
    public CachedRegion cachedRegionOf(final byte[] key) {
        final Map.Entry<byte[], CachedRegion> e = byStart.floorEntry(key);
        return e != null && e.getValue().contains(key) ? e.getValue() : null;
    }

    /** The cached address of {@code storeId}, or null if it is not cached (never asks the scheduler). */
    public String cachedStoreAddress(final long storeId) {
        return storeAddresses.get(storeId);
    }

    /**
     * The address of {@code storeId}, cached or else from the scheduler.
     *
     * @throws RouteException if the scheduler cannot say
     */
    public String storeAddress(final long storeId) {
        final String cached = cachedStoreAddress(storeId);
        if (cached != null) {
            return cached;
        }
        final String address = scheduler.storeAddress(storeId);
        storeAddresses.put(storeId, address);
        return address;
    }

    /** The regions cached now, in key order. */
    public List<CachedRegion> regions() {
        return new ArrayList<>(byStart.values());
    }

    /** The cached region with id {@code regionId}, or null. */
    public CachedRegion cached(final long regionId) {
        return byId.get(regionId);
    }

    /** Reacts to {@code not_leader} answered by the leader of {@code seen}. */
    public void onNotLeader(final CachedRegion seen, final NotLeader error) {
        synchronized (updates) {
            final CachedRegion cur = current(seen);
            if (cur == null) {
                return;
            }
            if (error.hasLeader() && error.getLeader().getStoreId() != 0) {
                final int index = cur.peerIndexOnStore(error.getLeader().getStoreId());
                if (index < 0) {
                    remove(cur); // the leader is on a store the cached peers do not include: reload
                } else {
                    replace(cur, cur.withLeader(index, 0));
                }
            } else if (cur.leaderIndex() == seen.leaderIndex()) {
                replace(cur, cur.withLeader((cur.leaderIndex() + 1) % cur.region().getPeersCount(),
                    cur.sendFailures()));
            }
        }
    }

    /**
     * Reacts to {@code epoch_not_match} answered by the leader of {@code seen}: drops it and caches the current
     * regions, except those older than what the cache holds.
     */
    public void onEpochNotMatch(final CachedRegion seen, final EpochNotMatch error) {
        final long answeringStore = seen.leader().getStoreId();
        synchronized (updates) {
            final CachedRegion cur = current(seen);
            if (cur != null) {
                remove(cur);
            }
            for (final Region r : error.getCurrentRegionsList()) {
                if (r.getPeersCount() == 0) {
                    continue;
                }
                final CachedRegion known = byId.get(r.getId());
                if (known != null && isOlder(r.getRegionEpoch(), known.region().getRegionEpoch())) {
                    continue;
                }
                final CachedRegion fresh = CachedRegion.of(r, 0);
                insert(fresh.withLeader(Math.max(0, fresh.peerIndexOnStore(answeringStore)), 0));
            }
        }
    }

    /** Drops {@code seen} (RegionNotFound, KeyNotInRegion, other errors) so that the next use reloads it. */
    public void invalidate(final CachedRegion seen) {
        synchronized (updates) {
            final CachedRegion cur = current(seen);
            if (cur != null) {
                remove(cur);
            }
        }
    }

    /** Forgets the address of {@code storeId} (StoreNotMatch): the next use asks the scheduler again. */
    public void invalidateStore(final long storeId) {
        storeAddresses.remove(storeId);
    }

    /** Reacts to a transport failure of a request to the leader of {@code seen}. */
    public void onSendFail(final CachedRegion seen) {
        invalidateStore(seen.leader().getStoreId());
        synchronized (updates) {
            final CachedRegion cur = current(seen);
            if (cur == null || cur.leaderIndex() != seen.leaderIndex()) {
                return;
            }
            final int failures = cur.sendFailures() + 1;
            if (failures >= cur.region().getPeersCount()) {
                remove(cur);
            } else {
                replace(cur, cur.withLeader((cur.leaderIndex() + 1) % cur.region().getPeersCount(), failures));
            }
        }
    }

    /** The cached value of {@code seen}'s region if it has the same epoch as {@code seen}, else null. */
    private CachedRegion current(final CachedRegion seen) {
        final CachedRegion cur = byId.get(seen.id());
        return cur != null && cur.region().getRegionEpoch().equals(seen.region().getRegionEpoch()) ? cur : null;
    }

    private static boolean isOlder(final RegionEpoch a, final RegionEpoch b) {
        return a.getVersion() < b.getVersion() || a.getConfVer() < b.getConfVer();
    }

    /** Caches {@code region}, dropping every cached region it overlaps and the old value of its id. */
    private void insert(final CachedRegion region) {
        final CachedRegion old = byId.get(region.id());
        if (old != null) {
            remove(old);
        }
        final byte[] from = byStart.floorKey(region.start());
        final Iterable<CachedRegion> candidates = from == null ? byStart.values()
            : byStart.tailMap(from, true).values();
        final List<CachedRegion> overlapped = new ArrayList<>();
        for (final CachedRegion c : candidates) {
            if (region.end().length != 0 && Arrays.compareUnsigned(c.start(), region.end()) >= 0) {
                break;
            }
            if (c.overlaps(region)) {
                overlapped.add(c);
            }
        }
        overlapped.forEach(this::remove);
        byStart.put(region.start(), region);
        byId.put(region.id(), region);
    }

    private void replace(final CachedRegion cur, final CachedRegion next) {
        byStart.replace(cur.start(), cur, next);
        byId.replace(cur.id(), cur, next);
    }

    private void remove(final CachedRegion c) {
        byStart.remove(c.start(), c);
        byId.remove(c.id(), c);
    }
}
