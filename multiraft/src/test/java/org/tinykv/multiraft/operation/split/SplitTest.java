package org.tinykv.multiraft.operation.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.schedulerpb.AskSplitResponse;

/** The Split command's checks and region arithmetic, and the default split-key policy. */
class SplitTest {
    private static final Region REGION = Region.newBuilder().setId(1).setStartKey(bs("b")).setEndKey(bs("m"))
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(3).setVersion(2))
            .addPeers(Peer.newBuilder().setId(11).setStoreId(1)).addPeers(Peer.newBuilder().setId(12).setStoreId(2))
            .build();
    private static final AskSplitResponse IDS = AskSplitResponse.newBuilder().setNewRegionId(9)
            .addNewPeerIds(91).addNewPeerIds(92).build();

    @Test
    void applySplitsRangeAndBumpsVersion() {
        final RaftCmdRequest req = Split.request(REGION, REGION.getPeers(0), "f".getBytes(), IDS);
        assertNull(Split.check(req, REGION));
        final Split.Regions r = Split.apply(REGION, req.getAdminRequest().getSplit());
        assertEquals(bs("f"), r.left().getEndKey());
        assertEquals(bs("b"), r.left().getStartKey());
        assertEquals(3, r.left().getRegionEpoch().getVersion());
        assertEquals(3, r.left().getRegionEpoch().getConfVer());
        assertEquals(9, r.right().getId());
        assertEquals(bs("f"), r.right().getStartKey());
        assertEquals(bs("m"), r.right().getEndKey());
        assertEquals(r.left().getRegionEpoch(), r.right().getRegionEpoch());
        assertEquals(Peer.newBuilder().setId(92).setStoreId(2).build(), r.right().getPeers(1));
    }

    @Test
    void checkRejectsBadSplits() {
        assertTrue(Split.check(Split.request(REGION, REGION.getPeers(0), "z".getBytes(), IDS), REGION)
                .hasKeyNotInRegion());
        assertNotNull(Split.check(Split.request(REGION, REGION.getPeers(0), "b".getBytes(), IDS), REGION)
                .getMessage());
        final Region older = REGION.toBuilder().setRegionEpoch(REGION.getRegionEpoch().toBuilder().setVersion(1))
                .build();
        assertTrue(Split.check(Split.request(older, REGION.getPeers(0), "f".getBytes(), IDS), REGION)
                .hasEpochNotMatch());
        final AskSplitResponse few = IDS.toBuilder().clearNewPeerIds().addNewPeerIds(91).build();
        assertTrue(Split.check(Split.request(REGION, REGION.getPeers(0), "f".getBytes(), few), REGION).getMessage()
                .contains("new peer ids"));
    }

    @Test
    void policyCutsEncodedKeysAtTheirLastGroup() {
        final byte[] encoded = encodeBytes("user-key-long".getBytes(StandardCharsets.UTF_8));
        assertEquals(18, encoded.length);
        final byte[] mvcc = new byte[encoded.length + 8];
        System.arraycopy(encoded, 0, mvcc, 0, encoded.length);
        mvcc[encoded.length] = 0x7f;
        assertArrayEquals(encoded, SplitKeyPolicy.encodedUserKey().boundary(mvcc));
        assertArrayEquals(encoded, SplitKeyPolicy.encodedUserKey().boundary(encoded));
        assertArrayEquals("raw".getBytes(), SplitKeyPolicy.encodedUserKey().boundary("raw".getBytes()));
    }

    /** Memcomparable EncodeBytes (groups of 8 bytes, each followed by 0xFF minus its padding). */
    private static byte[] encodeBytes(final byte[] key) {
        final int groups = key.length / 8 + 1;
        final byte[] out = new byte[groups * 9];
        for (int g = 0; g < groups; g++) {
            final int remain = key.length - g * 8;
            final int n = Math.min(8, Math.max(0, remain));
            System.arraycopy(key, g * 8, out, g * 9, n);
            out[g * 9 + 8] = (byte) (0xFF - (8 - n));
        }
        return out;
    }

    private static ByteString bs(final String s) {
        return ByteString.copyFromUtf8(s);
    }
}
