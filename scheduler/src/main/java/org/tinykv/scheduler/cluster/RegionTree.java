package org.tinykv.scheduler.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

import org.tinykv.proto.metapb.Peer;

import com.google.protobuf.ByteString;

/**
 * The regions known to the scheduler, indexed by start key (for "which region holds this key" and range scans),
 * by id, and by store (leader/follower/pending membership and the aggregates of {@link StoreRegionStats}).
 *
 * <p>Invariant: the ranges in the tree never overlap; {@link #put(RegionInfo)} removes the regions a new range
 * overlaps. Epoch checks are the caller's job ({@link ClusterState}). Not thread-safe.
 */
public final class RegionTree {

    private final TreeMap<ByteString, RegionInfo> byStart = new TreeMap<>(KeyOrder.COMPARATOR);
    private final Map<Long, RegionInfo> byId = new HashMap<>();
    private final Map<Long, StoreIndex> stores = new HashMap<>();

    /** Mutable per-store aggregates. */
    private static final class StoreIndex {
        final RandomIdSet leaders = new RandomIdSet();
        final RandomIdSet followers = new RandomIdSet();
        final RandomIdSet pending = new RandomIdSet();
        long leaderSize;
        long regionSize;
    }

    /** Returns the number of regions. */
    public int size() {
        return byId.size();
    }

    /** Returns the region with {@code id}, or null. */
    public RegionInfo get(long id) {
        return byId.get(id);
    }

    /** Returns the region whose range contains {@code key}, or null. */
    public RegionInfo getByKey(ByteString key) {
        Map.Entry<ByteString, RegionInfo> e = byStart.floorEntry(key);
        if (e == null || !e.getValue().contains(key)) {
            return null;
        }
        return e.getValue();
    }

    /** Returns the region just before the one containing {@code key} if they are adjacent, else null. */
    public RegionInfo getPrev(ByteString key) {
        RegionInfo cur = getByKey(key);
        if (cur == null) {
            return null;
        }
        Map.Entry<ByteString, RegionInfo> e = byStart.lowerEntry(cur.startKey());
        if (e == null || !e.getValue().endKey().equals(cur.startKey())) {
            return null;
        }
        return e.getValue();
    }

    /** Returns the regions intersecting [start, end) ("" end = +inf) in key order, at most limit (&lt;=0: all). */
    public List<RegionInfo> scan(ByteString start, ByteString end, int limit) {
        List<RegionInfo> out = new ArrayList<>();
        ByteString from = start;
        Map.Entry<ByteString, RegionInfo> floor = byStart.floorEntry(start);
        if (floor != null && floor.getValue().contains(start)) {
            from = floor.getKey();
        }
        for (RegionInfo r : byStart.tailMap(from, true).values()) {
            if (!end.isEmpty() && KeyOrder.compare(r.startKey(), end) >= 0) {
                break;
            }
            out.add(r);
            if (limit > 0 && out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** Returns the regions, other than {@code region} itself, whose ranges intersect its range. */
    public List<RegionInfo> overlaps(RegionInfo region) {
        List<RegionInfo> out = new ArrayList<>();
        Map.Entry<ByteString, RegionInfo> floor = byStart.floorEntry(region.startKey());
        ByteString from = region.startKey();
        if (floor != null && (floor.getValue().endKey().isEmpty()
                || KeyOrder.compare(floor.getValue().endKey(), region.startKey()) > 0)) {
            from = floor.getKey();
        }
        NavigableMap<ByteString, RegionInfo> tail = byStart.tailMap(from, true);
        for (RegionInfo r : tail.values()) {
            if (!region.endKey().isEmpty() && KeyOrder.compare(r.startKey(), region.endKey()) >= 0) {
                break;
            }
            if (r.id() != region.id()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Inserts or replaces {@code region}; returns the other regions removed because they overlapped it. */
    public List<RegionInfo> put(RegionInfo region) {
        RegionInfo old = byId.get(region.id());
        if (old != null && old.meta().equals(region.meta())) {
            // same range and peers: replace in place, re-index only if leader, pending peers or size changed
            boolean reindex = !java.util.Objects.equals(old.leader(), region.leader())
                    || !old.pendingPeers().equals(region.pendingPeers()) || old.sizeMib() != region.sizeMib();
            if (reindex) {
                index(old, false);
            }
            byStart.put(region.startKey(), region);
            byId.put(region.id(), region);
            if (reindex) {
                index(region, true);
            }
            return List.of();
        }
        if (old != null) {
            removeEntry(old);
        }
        List<RegionInfo> overlapped = overlaps(region);
        for (RegionInfo r : overlapped) {
            removeEntry(r);
        }
        byStart.put(region.startKey(), region);
        byId.put(region.id(), region);
        index(region, true);
        return overlapped;
    }

    /** Removes region {@code id}; returns it or null. */
    public RegionInfo remove(long id) {
        RegionInfo r = byId.get(id);
        if (r != null) {
            removeEntry(r);
        }
        return r;
    }

    /** Returns every region in key order. */
    public List<RegionInfo> all() {
        return new ArrayList<>(byStart.values());
    }

    /** Returns the aggregates of {@code storeId}. */
    public StoreRegionStats stats(long storeId) {
        StoreIndex s = stores.get(storeId);
        if (s == null) {
            return StoreRegionStats.EMPTY;
        }
        int leaders = s.leaders.size();
        return new StoreRegionStats(leaders, leaders + s.followers.size(), s.leaderSize, s.regionSize,
                s.pending.size());
    }

    /** Which of a store's regions {@link #randomRegion} picks from. */
    public enum Role { LEADER, FOLLOWER, PENDING }

    /**
     * Returns a region where {@code storeId} plays {@code role} and that satisfies {@code filter}, chosen by
     * scanning from a random position, or null.
     */
    public RegionInfo randomRegion(long storeId, Role role, RandomGenerator rnd, Predicate<RegionInfo> filter) {
        StoreIndex s = stores.get(storeId);
        if (s == null) {
            return null;
        }
        RandomIdSet set = switch (role) {
            case LEADER -> s.leaders;
            case FOLLOWER -> s.followers;
            case PENDING -> s.pending;
        };
        int n = set.size();
        int start = set.randomStart(rnd);
        for (int i = 0; i < n; i++) {
            RegionInfo r = byId.get(set.get((start + i) % n));
            if (r != null && filter.test(r)) {
                return r;
            }
        }
        return null;
    }

    private void removeEntry(RegionInfo r) {
        byStart.remove(r.startKey());
        byId.remove(r.id());
        index(r, false);
    }

    private void index(RegionInfo r, boolean add) {
        long size = r.sizeMib();
        for (Peer p : r.meta().getPeersList()) {
            StoreIndex s = stores.computeIfAbsent(p.getStoreId(), k -> new StoreIndex());
            boolean isLeader = r.leader() != null && r.leader().getId() == p.getId();
            RandomIdSet set = isLeader ? s.leaders : s.followers;
            if (add) {
                set.add(r.id());
                s.regionSize += size;
                if (isLeader) {
                    s.leaderSize += size;
                }
            } else {
                set.remove(r.id());
                s.regionSize -= size;
                if (isLeader) {
                    s.leaderSize -= size;
                }
            }
        }
        for (Peer p : r.pendingPeers()) {
            StoreIndex s = stores.computeIfAbsent(p.getStoreId(), k -> new StoreIndex());
            if (add) {
                s.pending.add(r.id());
            } else {
                s.pending.remove(r.id());
            }
        }
    }
}
