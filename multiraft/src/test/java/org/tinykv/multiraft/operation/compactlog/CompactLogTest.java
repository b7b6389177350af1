package org.tinykv.multiraft.operation.compactlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftTruncatedState;

class CompactLogTest {

    @Test
    void dueOnlyBeyondTheCountOrSizeLimit() {
        assertEquals(0, CompactLog.compactIndex(6, 105, 0, 100, 1 << 20, 0));
        assertEquals(106, CompactLog.compactIndex(6, 106, 0, 100, 1 << 20, 0));
        assertEquals(50, CompactLog.compactIndex(6, 50, 2 << 20, 100, 1 << 20, 0));
        assertEquals(0, CompactLog.compactIndex(6, 5, 2 << 20, 100, 1 << 20, 0), "nothing applied past first");
        assertEquals(0, CompactLog.compactIndex(6, 300, 0, 100, 1 << 20, 300), "already proposed");
        assertEquals(301, CompactLog.compactIndex(6, 301, 0, 100, 1 << 20, 300));
    }

    @Test
    void applyMovesTheTruncatedStateForwardOnly() {
        final RaftApplyState st = RaftApplyState.newBuilder().setAppliedIndex(200)
                .setTruncatedState(RaftTruncatedState.newBuilder().setIndex(50).setTerm(3)).build();
        final RaftApplyState next = CompactLog.apply(st, 150, 4);
        assertEquals(150, next.getTruncatedState().getIndex());
        assertEquals(4, next.getTruncatedState().getTerm());
        assertEquals(200, next.getAppliedIndex());
        assertNull(CompactLog.apply(st, 50, 3), "not forward");
        assertNull(CompactLog.apply(st, 40, 3), "stale");
        assertNull(CompactLog.apply(st, 201, 4), "beyond applied");
    }

    @Test
    void requestCarriesIndexTermAndEpoch() {
        final Region r = Region.newBuilder().setId(9).build();
        final var req = CompactLog.request(r, Peer.newBuilder().setId(1).setStoreId(1).build(), 77, 5);
        assertEquals(AdminCmdType.CompactLog, req.getAdminRequest().getCmdType());
        assertEquals(77, req.getAdminRequest().getCompactLog().getCompactIndex());
        assertEquals(5, req.getAdminRequest().getCompactLog().getCompactTerm());
        assertEquals(9, req.getHeader().getRegionId());
    }
}
