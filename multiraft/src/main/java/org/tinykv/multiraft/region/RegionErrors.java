package org.tinykv.multiraft.region;

import java.util.List;
import org.tinykv.proto.errorpb.EpochNotMatch;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.errorpb.KeyNotInRegion;
import org.tinykv.proto.errorpb.NotLeader;
import org.tinykv.proto.errorpb.RegionNotFound;
import org.tinykv.proto.errorpb.StaleCommand;
import org.tinykv.proto.errorpb.StoreNotMatch;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftResponseHeader;

/**
 * Builders of the region errors a store answers with. Each sets the typed field and a human-readable
 * {@code message}, as TinyKV's {@code RaftstoreErrToPbError} does.
 *
 * <p>Thread-safety: stateless.
 */
public final class RegionErrors {

    private RegionErrors() {
    }

    /** This peer is not the leader; {@code leader} is the known leader or null if unknown. */
    public static Error notLeader(final long regionId, final Peer leader) {
        final NotLeader.Builder nl = NotLeader.newBuilder().setRegionId(regionId);
        if (leader != null) {
            nl.setLeader(leader);
        }
        return Error.newBuilder().setMessage("region " + regionId + " is not leader").setNotLeader(nl).build();
    }

    /** The store has no peer of the region. */
    public static Error regionNotFound(final long regionId) {
        return Error.newBuilder().setMessage("region " + regionId + " is not found")
                .setRegionNotFound(RegionNotFound.newBuilder().setRegionId(regionId)).build();
    }

    /** The key lies outside the region's range. */
    public static Error keyNotInRegion(final byte[] key, final Region region) {
        return Error.newBuilder()
                .setMessage("key " + Hex.of(key) + " is not in region " + region.getId() + " ["
                        + Hex.of(region.getStartKey().toByteArray()) + ", "
                        + Hex.of(region.getEndKey().toByteArray()) + ")")
                .setKeyNotInRegion(KeyNotInRegion.newBuilder()
                        .setKey(com.google.protobuf.ByteString.copyFrom(key))
                        .setRegionId(region.getId()).setStartKey(region.getStartKey()).setEndKey(region.getEndKey()))
                .build();
    }

    /** The request's epoch differs from the region's; {@code currentRegions} may be empty. */
    public static Error epochNotMatch(final String message, final List<Region> currentRegions) {
        return Error.newBuilder().setMessage(message)
                .setEpochNotMatch(EpochNotMatch.newBuilder().addAllCurrentRegions(currentRegions)).build();
    }

    /** The command was superseded (lost to a leader change, or its term is too old): retry it. */
    public static Error staleCommand() {
        return Error.newBuilder().setMessage("stale command").setStaleCommand(StaleCommand.getDefaultInstance())
                .build();
    }

    /**
     * A write whose outcome this peer cannot tell (its entry was folded into a snapshot before this peer applied
     * it, or skipped as already applied): it may or may not have taken effect. A message-only error, so that
     * clients do not mistake it for StaleCommand (which means "not applied").
     */
    public static Error outcomeUnknown(final String why) {
        return other("command outcome unknown: " + why);
    }

    /** The request was addressed to another store. */
    public static Error storeNotMatch(final long requestStoreId, final long actualStoreId) {
        return Error.newBuilder().setMessage("store not match " + requestStoreId + " " + actualStoreId)
                .setStoreNotMatch(StoreNotMatch.newBuilder().setRequestStoreId(requestStoreId)
                        .setActualStoreId(actualStoreId))
                .build();
    }

    /** An error with only a message (TinyKV's plain errors: missing header, peer id mismatch, ...). */
    public static Error other(final String message) {
        return Error.newBuilder().setMessage(message).build();
    }

    /** The message TinyKV uses for an epoch mismatch. */
    static String epochMessage(final long regionId, final RegionEpoch current, final RegionEpoch sent) {
        return "current epoch of region " + regionId + " is " + epochString(current) + ", but you sent "
                + epochString(sent);
    }

    private static String epochString(final RegionEpoch e) {
        return "conf_ver:" + e.getConfVer() + " version:" + e.getVersion();
    }

    /** A response carrying only {@code error} (and the given term, 0 if unknown). */
    public static RaftCmdResponse errorResponse(final Error error, final long currentTerm) {
        return RaftCmdResponse.newBuilder()
                .setHeader(RaftResponseHeader.newBuilder().setError(error).setCurrentTerm(currentTerm)).build();
    }
}
