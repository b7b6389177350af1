package org.tinykv.scheduler.cluster;

import java.util.ArrayList;
import java.util.List;

import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;

import com.google.protobuf.ByteString;

/**
 * What the scheduler knows of one region: its metadata (range, epoch, peers), its leader (null if unknown, e.g.
 * when loaded from disk), its pending peers and its approximate size in bytes. Immutable.
 */
public record RegionInfo(Region meta, Peer leader, List<Peer> pendingPeers, long approximateSize) {

    /** One mebibyte: region sizes are weighed in MiB, at least 1 per region. */
    public static final long MIB = 1L << 20;

    /** Copies the list; {@code leader} may be null. */
    public RegionInfo {
        pendingPeers = List.copyOf(pendingPeers);
    }

    /** Builds the info reported by a heartbeat. */
    public static RegionInfo fromHeartbeat(RegionHeartbeatRequest req) {
        return new RegionInfo(req.getRegion(), req.hasLeader() ? req.getLeader() : null, req.getPendingPeersList(),
                req.getApproximateSize());
    }

    /** Returns the region id. */
    public long id() {
        return meta.getId();
    }

    /** Returns the inclusive start key ("" = -inf). */
    public ByteString startKey() {
        return meta.getStartKey();
    }

    /** Returns the exclusive end key ("" = +inf). */
    public ByteString endKey() {
        return meta.getEndKey();
    }

    /** Returns the epoch. */
    public RegionEpoch epoch() {
        return meta.getRegionEpoch();
    }

    /** Returns the size weight used by balancing: approximate size in MiB, at least 1. */
    public long sizeMib() {
        return Math.max(1, approximateSize / MIB);
    }

    /** Returns the peer on {@code storeId}, or null. */
    public Peer peerOnStore(long storeId) {
        for (Peer p : meta.getPeersList()) {
            if (p.getStoreId() == storeId) {
                return p;
            }
        }
        return null;
    }

    /** Returns whether the leader lives on {@code storeId}. */
    public boolean leaderOn(long storeId) {
        return leader != null && leader.getStoreId() == storeId;
    }

    /** Returns whether {@code peer} (by id) is pending. */
    public boolean isPending(Peer peer) {
        for (Peer p : pendingPeers) {
            if (p.getId() == peer.getId()) {
                return true;
            }
        }
        return false;
    }

    /** Returns the peers other than the leader. */
    public List<Peer> followers() {
        List<Peer> out = new ArrayList<>();
        for (Peer p : meta.getPeersList()) {
            if (leader == null || p.getId() != leader.getId()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Returns whether {@code key} lies in [start, end). */
    public boolean contains(ByteString key) {
        return KeyOrder.compare(key, startKey()) >= 0 && (endKey().isEmpty() || KeyOrder.compare(key, endKey()) < 0);
    }
}
