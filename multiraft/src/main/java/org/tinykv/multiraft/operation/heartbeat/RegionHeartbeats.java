package org.tinykv.multiraft.operation.heartbeat;

import java.util.List;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;

/**
 * Builds region heartbeats: the region (epoch and peers), the reporting leader, its pending peers, and the
 * approximate size of the region's data keys in the data column families.
 *
 * <p>Thread-safety: stateless.
 */
public final class RegionHeartbeats {
    private static final Cf[] DATA_CFS = {Cf.DEFAULT, Cf.LOCK, Cf.WRITE};

    private RegionHeartbeats() {
    }

    /** The heartbeat of {@code region} led by {@code leader}. */
    public static RegionHeartbeatRequest request(final Region region, final Peer leader, final List<Peer> pending,
                                                 final long approxSize) {
        return RegionHeartbeatRequest.newBuilder().setRegion(region).setLeader(leader).addAllPendingPeers(pending)
                .setApproximateSize(approxSize).build();
    }

    /** The approximate bytes of the region's data keys over the data column families (0 if unknown). */
    public static long approximateSize(final Db kv, final Region region) {
        final byte[] start = Keys.dataKey(region.getStartKey().toByteArray());
        final byte[] end = Keys.dataEndKey(region.getEndKey().toByteArray());
        long total = 0;
        for (final Cf cf : DATA_CFS) {
            try {
                total += kv.approximateSize(cf, start, end);
            } catch (final RuntimeException e) {
                return total;
            }
        }
        return total;
    }
}
