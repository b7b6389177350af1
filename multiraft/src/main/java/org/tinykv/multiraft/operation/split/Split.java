package org.tinykv.multiraft.operation.split;

import com.google.protobuf.ByteString;
import java.util.List;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.SplitRequest;
import org.tinykv.proto.schedulerpb.AskSplitResponse;

/**
 * The Split admin command: building it, checking it (at proposal and again at apply, against the region then
 * current), and the two regions it yields.
 *
 * <p>Thread-safety: stateless.
 */
public final class Split {

    private Split() {
    }

    /** The two regions after a split: {@code left} keeps the id, {@code right} is new. */
    public record Regions(Region left, Region right) {
    }

    /** A Split command for {@code region} (its current epoch) sent to its leader {@code self}. */
    public static RaftCmdRequest request(final Region region, final Peer self, final byte[] splitKey,
                                         final AskSplitResponse ids) {
        return RaftCmdRequest.newBuilder()
                .setHeader(RaftRequestHeader.newBuilder().setRegionId(region.getId()).setPeer(self)
                        .setRegionEpoch(region.getRegionEpoch()))
                .setAdminRequest(AdminRequest.newBuilder().setCmdType(AdminCmdType.Split)
                        .setSplit(SplitRequest.newBuilder().setSplitKey(ByteString.copyFrom(splitKey))
                                .setNewRegionId(ids.getNewRegionId()).addAllNewPeerIds(ids.getNewPeerIdsList())))
                .build();
    }

    /**
     * Null if {@code req} (a Split) fits {@code region}: its epoch is current, the split key lies strictly inside
     * the region, and there is one new peer id per peer; else the error to answer.
     */
    public static Error check(final RaftCmdRequest req, final Region region) {
        final Error epoch = RegionChecks.checkRegionEpoch(req, region, true);
        if (epoch != null) {
            return epoch;
        }
        final SplitRequest s = req.getAdminRequest().getSplit();
        final byte[] key = s.getSplitKey().toByteArray();
        if (key.length == 0) {
            return RegionErrors.other("missing split key");
        }
        final Error inRegion = RegionChecks.checkKeyInRegion(key, region);
        if (inRegion != null) {
            return inRegion;
        }
        if (s.getSplitKey().equals(region.getStartKey())) {
            return RegionErrors.other("split key equals the region's start key");
        }
        if (s.getNewPeerIdsCount() != region.getPeersCount() || s.getNewRegionId() == 0) {
            return RegionErrors.other("split needs a new region id and " + region.getPeersCount()
                    + " new peer ids, got " + s.getNewPeerIdsCount());
        }
        return null;
    }

    /** The regions after applying a checked split to {@code region}. */
    public static Regions apply(final Region region, final SplitRequest s) {
        final RegionEpoch epoch = region.getRegionEpoch().toBuilder()
                .setVersion(region.getRegionEpoch().getVersion() + 1).build();
        final Region left = region.toBuilder().setEndKey(s.getSplitKey()).setRegionEpoch(epoch).build();
        final Region.Builder right = Region.newBuilder().setId(s.getNewRegionId()).setStartKey(s.getSplitKey())
                .setEndKey(region.getEndKey()).setRegionEpoch(epoch);
        final List<Peer> peers = region.getPeersList();
        for (int i = 0; i < peers.size(); i++) {
            right.addPeers(Peer.newBuilder().setId(s.getNewPeerIds(i)).setStoreId(peers.get(i).getStoreId()));
        }
        return new Regions(left, right.build());
    }
}
