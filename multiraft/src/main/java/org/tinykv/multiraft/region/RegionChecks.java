package org.tinykv.multiraft.region;

import java.util.Arrays;
import java.util.List;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;

/**
 * The checks a store applies to a command before proposing and again before applying it. Region bounds are
 * compared as unsigned bytes; the caller passes keys in the same (encoded) key space as the bounds.
 *
 * <p>Thread-safety: stateless.
 */
public final class RegionChecks {

    private RegionChecks() {
    }

    /** True if {@code start <= key} and ({@code end} is empty or {@code key < end}). */
    public static boolean keyInRegion(final byte[] key, final Region region) {
        final byte[] start = region.getStartKey().toByteArray();
        if (Arrays.compareUnsigned(key, start) < 0) {
            return false;
        }
        return region.getEndKey().isEmpty() || Arrays.compareUnsigned(key, region.getEndKey().toByteArray()) < 0;
    }

    /** KeyNotInRegion if {@code key} is outside {@code region}, else null. */
    public static Error checkKeyInRegion(final byte[] key, final Region region) {
        return keyInRegion(key, region) ? null : RegionErrors.keyNotInRegion(key, region);
    }

    /**
     * TinyKV's {@code CheckRegionEpoch}: data commands must match the region's version; ChangePeer its conf_ver;
     * Split and TransferLeader both; CompactLog neither. Returns null if the epoch is acceptable, an
     * EpochNotMatch (carrying {@code region} when {@code includeRegion}) or a message-only error for a missing
     * header or epoch.
     */
    public static Error checkRegionEpoch(final RaftCmdRequest req, final Region region,
                                         final boolean includeRegion) {
        boolean checkVer = false;
        boolean checkConfVer = false;
        if (req.hasAdminRequest()) {
            final AdminCmdType t = req.getAdminRequest().getCmdType();
            if (t == AdminCmdType.ChangePeer) {
                checkConfVer = true;
            } else if (t == AdminCmdType.Split || t == AdminCmdType.TransferLeader) {
                checkVer = true;
                checkConfVer = true;
            }
        } else {
            checkVer = true;
        }
        if (!checkVer && !checkConfVer) {
            return null;
        }
        if (!req.hasHeader()) {
            return RegionErrors.other("missing header!");
        }
        if (!req.getHeader().hasRegionEpoch()) {
            return RegionErrors.other("missing epoch!");
        }
        final RegionEpoch from = req.getHeader().getRegionEpoch();
        final RegionEpoch current = region.getRegionEpoch();
        if ((checkConfVer && from.getConfVer() != current.getConfVer())
                || (checkVer && from.getVersion() != current.getVersion())) {
            return RegionErrors.epochNotMatch(RegionErrors.epochMessage(region.getId(), current, from),
                    includeRegion ? List.of(region) : List.of());
        }
        return null;
    }

    /** True if {@code epoch} is older than {@code current} in either component. */
    public static boolean isEpochStale(final RegionEpoch epoch, final RegionEpoch current) {
        return epoch.getVersion() < current.getVersion() || epoch.getConfVer() < current.getConfVer();
    }

    /** The region's peer on {@code storeId}, or null. */
    public static Peer findPeer(final Region region, final long storeId) {
        for (final Peer p : region.getPeersList()) {
            if (p.getStoreId() == storeId) {
                return p;
            }
        }
        return null;
    }

    /** The region's peer with id {@code peerId}, or null. */
    public static Peer findPeerById(final Region region, final long peerId) {
        for (final Peer p : region.getPeersList()) {
            if (p.getId() == peerId) {
                return p;
            }
        }
        return null;
    }

    /** TinyKV's {@code CheckStoreID}: StoreNotMatch if the request names another store, else null. */
    public static Error checkStoreId(final RaftCmdRequest req, final long storeId) {
        if (!req.hasHeader()) {
            return RegionErrors.other("missing header!");
        }
        final Peer p = req.getHeader().getPeer();
        return p.getStoreId() == storeId ? null : RegionErrors.storeNotMatch(p.getStoreId(), storeId);
    }

    /**
     * TinyKV's {@code CheckPeerID} and {@code CheckTerm}: a message-only error if the request names another peer,
     * StaleCommand if the request's term is more than one behind {@code term}; else null.
     */
    public static Error checkPeerAndTerm(final RaftCmdRequest req, final long peerId, final long term) {
        final Peer p = req.getHeader().getPeer();
        if (p.getId() != peerId) {
            return RegionErrors.other("mismatch peer id " + p.getId() + " != " + peerId);
        }
        final long t = req.getHeader().getTerm();
        if (t != 0 && term > t + 1) {
            return RegionErrors.staleCommand();
        }
        return null;
    }
}
