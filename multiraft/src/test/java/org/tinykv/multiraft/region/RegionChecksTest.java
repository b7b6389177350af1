package org.tinykv.multiraft.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;

class RegionChecksTest {
    private static final Region REGION = Region.newBuilder().setId(9)
            .setStartKey(ByteString.copyFrom(new byte[] {0x10}))
            .setEndKey(ByteString.copyFrom(new byte[] {(byte) 0x80}))
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(3).setVersion(5))
            .addPeers(Peer.newBuilder().setId(11).setStoreId(1)).addPeers(Peer.newBuilder().setId(12).setStoreId(2))
            .build();

    @Test
    void keyBoundsAreUnsignedAndEndExclusive() {
        assertTrue(RegionChecks.keyInRegion(new byte[] {0x10}, REGION));
        assertTrue(RegionChecks.keyInRegion(new byte[] {0x7f, (byte) 0xff}, REGION));
        assertFalse(RegionChecks.keyInRegion(new byte[] {(byte) 0x80}, REGION));
        assertFalse(RegionChecks.keyInRegion(new byte[] {(byte) 0xff}, REGION));
        assertFalse(RegionChecks.keyInRegion(new byte[] {0x0f, 0x7f}, REGION));
        assertFalse(RegionChecks.keyInRegion(new byte[0], REGION));
        final Region all = Region.newBuilder().setId(1).build();
        assertTrue(RegionChecks.keyInRegion(new byte[0], all));
        assertTrue(RegionChecks.keyInRegion(new byte[] {(byte) 0xff, (byte) 0xff}, all));
    }

    @Test
    void keyNotInRegionCarriesTheRegionRange() {
        final Error e = RegionChecks.checkKeyInRegion(new byte[] {(byte) 0x90}, REGION);
        assertTrue(e.hasKeyNotInRegion());
        assertEquals(9, e.getKeyNotInRegion().getRegionId());
        assertEquals(REGION.getStartKey(), e.getKeyNotInRegion().getStartKey());
        assertEquals(REGION.getEndKey(), e.getKeyNotInRegion().getEndKey());
        assertEquals(ByteString.copyFrom(new byte[] {(byte) 0x90}), e.getKeyNotInRegion().getKey());
        assertFalse(e.getMessage().isEmpty());
        assertNull(RegionChecks.checkKeyInRegion(new byte[] {0x20}, REGION));
    }

    private static RaftCmdRequest req(final long confVer, final long version, final AdminCmdType admin) {
        final RaftCmdRequest.Builder b = RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder()
                .setRegionId(9).setPeer(REGION.getPeers(0))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(confVer).setVersion(version)));
        if (admin != null) {
            b.setAdminRequest(AdminRequest.newBuilder().setCmdType(admin));
        }
        return b.build();
    }

    @Test
    void epochRulesFollowTinyKv() {
        assertNull(RegionChecks.checkRegionEpoch(req(3, 5, null), REGION, true));
        // data commands ignore conf_ver, check version
        assertNull(RegionChecks.checkRegionEpoch(req(1, 5, null), REGION, true));
        final Error e = RegionChecks.checkRegionEpoch(req(3, 4, null), REGION, true);
        assertTrue(e.hasEpochNotMatch());
        assertEquals(1, e.getEpochNotMatch().getCurrentRegionsCount());
        assertEquals(REGION, e.getEpochNotMatch().getCurrentRegions(0));
        assertTrue(e.getMessage().startsWith("current epoch of region 9 is"), e.getMessage());
        assertEquals(0, RegionChecks.checkRegionEpoch(req(3, 4, null), REGION, false).getEpochNotMatch()
                .getCurrentRegionsCount());
        // ChangePeer checks conf_ver only; Split and TransferLeader both; CompactLog neither
        assertNull(RegionChecks.checkRegionEpoch(req(3, 1, AdminCmdType.ChangePeer), REGION, true));
        assertTrue(RegionChecks.checkRegionEpoch(req(2, 5, AdminCmdType.ChangePeer), REGION, true)
                .hasEpochNotMatch());
        assertTrue(RegionChecks.checkRegionEpoch(req(2, 5, AdminCmdType.Split), REGION, true).hasEpochNotMatch());
        assertTrue(RegionChecks.checkRegionEpoch(req(3, 4, AdminCmdType.TransferLeader), REGION, true)
                .hasEpochNotMatch());
        assertNull(RegionChecks.checkRegionEpoch(req(0, 0, AdminCmdType.CompactLog), REGION, true));
        // missing header or epoch: message-only errors
        final Error noEpoch = RegionChecks.checkRegionEpoch(RaftCmdRequest.newBuilder()
                .setHeader(RaftRequestHeader.newBuilder().setRegionId(9)).build(), REGION, true);
        assertEquals("missing epoch!", noEpoch.getMessage());
        assertFalse(noEpoch.hasEpochNotMatch());
        assertEquals("missing header!", RegionChecks.checkRegionEpoch(RaftCmdRequest.getDefaultInstance(), REGION,
                true).getMessage());
    }

    @Test
    void headerChecks() {
        final Error sm = RegionChecks.checkStoreId(req(3, 5, null), 2);
        assertTrue(sm.hasStoreNotMatch());
        assertEquals(1, sm.getStoreNotMatch().getRequestStoreId());
        assertEquals(2, sm.getStoreNotMatch().getActualStoreId());
        assertNull(RegionChecks.checkStoreId(req(3, 5, null), 1));
        assertNull(RegionChecks.checkPeerAndTerm(req(3, 5, null), 11, 100));
        assertTrue(RegionChecks.checkPeerAndTerm(req(3, 5, null), 12, 1).getMessage().contains("mismatch peer id"));
        final RaftCmdRequest withTerm = req(3, 5, null).toBuilder()
                .setHeader(req(3, 5, null).getHeader().toBuilder().setTerm(4)).build();
        assertNull(RegionChecks.checkPeerAndTerm(withTerm, 11, 5));
        assertTrue(RegionChecks.checkPeerAndTerm(withTerm, 11, 6).hasStaleCommand());
    }

    @Test
    void errorBuilders() {
        final Error nl = RegionErrors.notLeader(9, REGION.getPeers(1));
        assertEquals(9, nl.getNotLeader().getRegionId());
        assertEquals(12, nl.getNotLeader().getLeader().getId());
        assertFalse(RegionErrors.notLeader(9, null).getNotLeader().hasLeader());
        assertEquals(9, RegionErrors.regionNotFound(9).getRegionNotFound().getRegionId());
        assertEquals("region 9 is not found", RegionErrors.regionNotFound(9).getMessage());
        assertTrue(RegionErrors.staleCommand().hasStaleCommand());
        assertEquals("stale command", RegionErrors.staleCommand().getMessage());
        assertTrue(RegionChecks.isEpochStale(RegionEpoch.newBuilder().setConfVer(3).setVersion(4).build(),
                REGION.getRegionEpoch()));
        assertFalse(RegionChecks.isEpochStale(REGION.getRegionEpoch(), REGION.getRegionEpoch()));
        assertEquals(12, RegionChecks.findPeer(REGION, 2).getId());
        assertNull(RegionChecks.findPeer(REGION, 3));
    }
}
