package org.tinykv.multiraft.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.store.Engines;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.GetRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.wal.fs.mem.MemFileSystem;

class LocalReadsTest {
    private static final long STORE = 1;
    private static final long PEER = 41;
    private static final long TICK_MS = 100;
    private static final Region REGION = Region.newBuilder().setId(4).setStartKey(ByteString.copyFromUtf8("b"))
            .setEndKey(ByteString.copyFromUtf8("m")).setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1)
                    .setVersion(2)).addPeers(Peer.newBuilder().setId(PEER).setStoreId(STORE)).build();

    private Engines engines;
    private long now;
    private final LocalReads reads = new LocalReads();

    @BeforeEach
    void open() throws IOException {
        engines = Engines.open(new MemFileSystem(), Path.of("/s"), StoreConfig.defaults());
        final WriteBatch wb = new WriteBatch();
        wb.put(Cf.DEFAULT, Keys.dataKey("c".getBytes()), "v1".getBytes());
        engines.kv().write(wb, WriteOptions.SYNC);
    }

    @AfterEach
    void close() throws IOException {
        engines.close();
    }

    private static RaftCmdRequest get(final String key, final long term, final long version) {
        return RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder().setRegionId(4)
                .setPeer(Peer.newBuilder().setId(PEER).setStoreId(STORE)).setTerm(term)
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(version)))
                .addRequests(Request.newBuilder().setCmdType(CmdType.Get).setGet(GetRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(key)))).build();
    }

    private ApplyDelegate.Result serve(final RaftCmdRequest req) throws IOException {
        return reads.tryServe(req, STORE, engines.kv(), () -> now);
    }

    /** A leader of term 7 whose term began at index 10, 5 ticks of lease left, in a round that began at 1000. */
    private void leaderRound(final long lastIndex, final long ticksLeft, final boolean ticksPending) {
        reads.leaderRound(true, PEER, 7, lastIndex, ticksLeft, ticksPending, 1000, TICK_MS);
    }

    /** That leader, with the first entry of its term applied, at time 1000. */
    private void servingLeaderAt1000() {
        reads.applied(10, REGION);
        leaderRound(10, 5, false);
        now = 1000;
    }

    @Test
    void servesUnderTheLeaseUntilOneTickBeforeItsEndAndNotAfter() throws IOException {
        reads.applied(10, REGION);
        leaderRound(10, 5, false);
        now = 1399;
        final ApplyDelegate.Result r = serve(get("c", 7, 2));
        assertNotNull(r);
        assertEquals("v1", r.response().getResponses(0).getGet().getValue().toStringUtf8());
        assertEquals(7, r.response().getHeader().getCurrentTerm());
        now = 1400;
        assertNull(serve(get("c", 7, 2)), "a read at the end of the lease, less one tick, goes the ordinary way");
    }

    @Test
    void noLocalReadBeforeTheLeaderAppliedTheFirstEntryOfItsTerm() throws IOException {
        reads.applied(9, REGION);
        leaderRound(10, 5, false);
        now = 1000;
        assertNull(serve(get("c", 7, 2)));
        reads.applied(10, REGION);
        assertNotNull(serve(get("c", 7, 2)));
        leaderRound(25, 5, false);
        assertNotNull(serve(get("c", 7, 2)), "the term's first index is the one seen on its first round");
    }

    @Test
    void pendingTicksFollowersAndShortLeasesPublishNothing() throws IOException {
        reads.applied(10, REGION);
        now = 1000;
        leaderRound(10, 5, true);
        assertNull(serve(get("c", 7, 2)), "ticks waiting in the mailbox: the tick counter lags the clock");
        leaderRound(10, 1, false);
        assertNull(serve(get("c", 7, 2)), "a lease of under two ticks is not worth the margin");
        leaderRound(10, 5, false);
        assertNotNull(serve(get("c", 7, 2)));
        reads.leaderRound(false, PEER, 7, 10, 5, false, 1000, TICK_MS);
        assertNull(serve(get("c", 7, 2)), "a follower serves no local read");
    }

    @Test
    void aTransferRevokesTheLeaseAndARegionChangeBlocksReadsUntilItIsApplied() throws IOException {
        servingLeaderAt1000();
        reads.revoke();
        assertNull(serve(get("c", 7, 2)));
        leaderRound(11, 5, false);
        assertNotNull(serve(get("c", 7, 2)));
        reads.regionChangeProposed(12);
        assertNull(serve(get("c", 7, 2)), "revoked when the split is proposed");
        leaderRound(12, 5, false);
        assertNull(serve(get("c", 7, 2)), "the split is not applied yet");
        final Region left = REGION.toBuilder().setEndKey(ByteString.copyFromUtf8("f"))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(3)).build();
        reads.applied(12, left);
        assertNull(serve(get("c", 7, 2)), "the command's epoch is stale now");
        assertNotNull(serve(get("c", 7, 3)));
        assertNull(serve(get("g", 7, 3)), "a key the split moved away");
    }

    @Test
    void commandsThatFailAnyCheckGoTheOrdinaryWay() throws IOException {
        servingLeaderAt1000();
        assertNotNull(serve(get("c", 7, 2)));
        assertNull(serve(get("c", 5, 2)), "a term more than one behind (StaleCommand)");
        assertNull(serve(get("z", 7, 2)), "a key outside the region");
        assertNull(serve(get("c", 7, 2).toBuilder().setHeader(get("c", 7, 2).getHeader().toBuilder()
                .setPeer(Peer.newBuilder().setId(PEER).setStoreId(STORE + 1))).build()), "another store");
        reads.applied(10, null);
        assertNull(serve(get("c", 7, 2)), "the peer's data was destroyed");
    }
}
