package org.tinykv.tools.client;

import java.util.Arrays;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;

/**
 * One region as the cache knows it: its metadata (bounds, epoch, peers), the peer believed to lead it, the
 * {@code kvrpcpb.Context} requests to that peer carry (built once), and how many transport failures in a row its
 * peers had. Immutable (the cache replaces the whole value when it learns something), so safe to share.
 */
public final class CachedRegion {
    private final Region region;
    private final int leaderIndex;
    private final int sendFailures;
    private final Context context;
    private final byte[] start;
    private final byte[] end;

    private CachedRegion(final Region region, final int leaderIndex, final int sendFailures) {
        if (region.getPeersCount() == 0) {
            throw new IllegalArgumentException("region " + region.getId() + " has no peers");
        }
        this.region = region;
        this.leaderIndex = leaderIndex;
        this.sendFailures = sendFailures;
        this.context = Context.newBuilder().setRegionId(region.getId()).setRegionEpoch(region.getRegionEpoch())
            .setPeer(region.getPeers(leaderIndex)).build();
        this.start = region.getStartKey().toByteArray();
        this.end = region.getEndKey().toByteArray();
    }

    /**
     * Caches {@code region} with the peer at {@code leaderIndex} of its peers as leader.
     *
     * <p>Requires: the region has at least one peer and {@code 0 <= leaderIndex < peers}.
     */
    public static CachedRegion of(final Region region, final int leaderIndex) {
        return new CachedRegion(region, leaderIndex, 0);
    }

    /** This region with the peer at {@code index} as leader and {@code failures} transport failures. */
    CachedRegion withLeader(final int index, final int failures) {
        return new CachedRegion(region, index, failures);
    }

    /** The region's metadata. */
    public Region region() {
        return region;
    }

    /** The region's id. */
    public long id() {
        return region.getId();
    }

    /** The index of the leader in the region's peers. */
    public int leaderIndex() {
        return leaderIndex;
    }

    /** Transport failures in a row since the leader was last set. */
    public int sendFailures() {
        return sendFailures;
    }

    /** The peer requests go to. */
    public Peer leader() {
        return region.getPeers(leaderIndex);
    }

    /** The context of requests to the leader: region_id, region_epoch, peer. */
    public Context context() {
        return context;
    }

    /** The start key (inclusive; empty = from the first key). The caller must not modify the array. */
    byte[] start() {
        return start;
    }

    /** The end key (exclusive; empty = to the last key). The caller must not modify the array. */
    byte[] end() {
        return end;
    }

    /** True if {@code start <= key} and ({@code end} is empty or {@code key < end}), comparing unsigned bytes. */
    public boolean contains(final byte[] key) {
        return Arrays.compareUnsigned(key, start) >= 0 && (end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
    }

    /** True if the two key ranges share a key. */
    boolean overlaps(final CachedRegion other) {
        final boolean startsBeforeOtherEnds = other.end.length == 0 || Arrays.compareUnsigned(start, other.end) < 0;
        final boolean otherStartsBeforeEnd = end.length == 0 || Arrays.compareUnsigned(other.start, end) < 0;
        return startsBeforeOtherEnds && otherStartsBeforeEnd;
    }

    /** The index of the peer on {@code storeId}, or -1. */
    int peerIndexOnStore(final long storeId) {
        for (int i = 0; i < region.getPeersCount(); i++) {
            if (region.getPeers(i).getStoreId() == storeId) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "region " + region.getId() + " epoch(" + region.getRegionEpoch().getConfVer() + ","
            + region.getRegionEpoch().getVersion() + ") leader " + leader().getId() + "@store"
            + leader().getStoreId();
    }
}
