package org.tinykv.server.raftkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.RawDeleteRequest;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;

/**
 * The raw API of a 3-store replicated cluster (one region) through gRPC: reads and writes on the leader, and the
 * region errors of misrouted requests (NotLeader with the leader, EpochNotMatch with the current region,
 * RegionNotFound, StoreNotMatch), each passed through to {@code region_error} unchanged.
 */
@Timeout(60)
class RaftKvRawIT {
    private static RaftKvCluster cluster;
    private static long leader;

    @BeforeAll
    static void start() throws Exception {
        cluster = RaftKvCluster.start(3, Duration.ofSeconds(5));
        leader = cluster.leaderOf(cluster.region, bytes("a"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static ByteString bs(final String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static RawPutResponse put(final long store, final Context ctx, final String key, final String value) {
        return cluster.stub(store).rawPut(RawPutRequest.newBuilder().setContext(ctx).setKey(bs(key))
                .setValue(bs(value)).build());
    }

    private static RawGetResponse get(final long store, final Context ctx, final String key) {
        return cluster.stub(store).rawGet(RawGetRequest.newBuilder().setContext(ctx).setKey(bs(key)).build());
    }

    private static Context leaderCtx() {
        return RaftKvCluster.ctx(leader, cluster.region);
    }

    @Test
    void putGetDeleteAndScanOnTheLeader() {
        final TinyKvGrpc.TinyKvBlockingStub kv = cluster.stub(leader);
        for (final String k : List.of("s/a", "s/b", "s/c")) {
            final RawPutResponse r = put(leader, leaderCtx(), k, "v-" + k);
            assertFalse(r.hasRegionError(), r.toString());
            assertEquals("", r.getError());
        }
        assertFalse(kv.rawPut(RawPutRequest.newBuilder().setContext(leaderCtx()).setCf("lock").setKey(bs("s/b"))
                .setValue(bs("in lock")).build()).hasRegionError());
        assertEquals(bs("v-s/b"), get(leader, leaderCtx(), "s/b").getValue());
        assertTrue(get(leader, leaderCtx(), "s/zz").getNotFound());
        assertEquals(bs("in lock"), kv.rawGet(RawGetRequest.newBuilder().setContext(leaderCtx()).setCf("lock")
                .setKey(bs("s/b")).build()).getValue());

        final RawScanResponse all = kv.rawScan(RawScanRequest.newBuilder().setContext(leaderCtx())
                .setStartKey(bs("s/")).setLimit(10).build());
        assertEquals(List.of(bs("s/a"), bs("s/b"), bs("s/c")), all.getKvsList().stream().map(KvPair::getKey).toList());
        assertEquals(bs("v-s/c"), all.getKvs(2).getValue());

        assertFalse(kv.rawDelete(RawDeleteRequest.newBuilder().setContext(leaderCtx()).setKey(bs("s/b")).build())
                .hasRegionError());
        assertTrue(get(leader, leaderCtx(), "s/b").getNotFound());
        final RawScanResponse after = kv.rawScan(RawScanRequest.newBuilder().setContext(leaderCtx())
                .setStartKey(bs("s/")).setLimit(1).build());
        assertEquals(List.of(bs("s/a")), after.getKvsList().stream().map(KvPair::getKey).toList());
    }

    @Test
    void aFollowerAnswersNotLeaderWithTheLeader() {
        assertFalse(put(leader, leaderCtx(), "f/k", "v").hasRegionError());
        final long follower = leader % 3 + 1;
        final Context ctx = RaftKvCluster.ctx(follower, cluster.region);
        final Error onGet = get(follower, ctx, "f/k").getRegionError();
        assertTrue(onGet.hasNotLeader(), onGet.toString());
        assertEquals(leader, onGet.getNotLeader().getLeader().getStoreId(), onGet.toString());
        assertEquals(RaftKvCluster.REGION_ID, onGet.getNotLeader().getRegionId());
        final Error onPut = put(follower, ctx, "f/k", "w").getRegionError();
        assertEquals(leader, onPut.getNotLeader().getLeader().getStoreId(), onPut.toString());
        assertEquals(bs("v"), get(leader, leaderCtx(), "f/k").getValue(), "the refused put changed nothing");
    }

    @Test
    void aStaleEpochAnswersEpochNotMatchWithTheCurrentRegion() {
        final Context stale = leaderCtx().toBuilder().setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1)
                .setVersion(0)).build();
        for (final Error e : List.of(get(leader, stale, "e/k").getRegionError(),
                put(leader, stale, "e/k", "v").getRegionError())) {
            assertTrue(e.hasEpochNotMatch(), e.toString());
            assertEquals(List.of(cluster.region), e.getEpochNotMatch().getCurrentRegionsList());
        }
        assertTrue(get(leader, leaderCtx(), "e/k").getNotFound(), "the refused put changed nothing");
    }

    @Test
    void anUnknownRegionAnswersRegionNotFound() {
        final Context ctx = leaderCtx().toBuilder().setRegionId(99).build();
        final Error e = get(leader, ctx, "n/k").getRegionError();
        assertTrue(e.hasRegionNotFound(), e.toString());
        assertEquals(99, e.getRegionNotFound().getRegionId());
        final RawScanResponse scan = cluster.stub(leader).rawScan(RawScanRequest.newBuilder().setContext(ctx)
                .setStartKey(bs("n/")).setLimit(5).build());
        assertTrue(scan.getRegionError().hasRegionNotFound(), scan.toString());
        assertEquals(0, scan.getKvsCount());
    }

    @Test
    void aRequestForAnotherStoreAnswersStoreNotMatch() {
        final long other = leader % 3 + 1;
        final Context ctx = leaderCtx().toBuilder().setPeer(Peer.newBuilder().setId(10 + other)
                .setStoreId(other)).build();
        final Error e = put(leader, ctx, "m/k", "v").getRegionError();
        assertTrue(e.hasStoreNotMatch(), e.toString());
        assertEquals(other, e.getStoreNotMatch().getRequestStoreId());
        assertEquals(leader, e.getStoreNotMatch().getActualStoreId());
    }

    @Test
    void badInputStillGetsItsPlainError() {
        final RawPutResponse emptyKey = put(leader, leaderCtx(), "", "v");
        assertFalse(emptyKey.getError().isEmpty());
        final RawGetResponse badCf = cluster.stub(leader).rawGet(RawGetRequest.newBuilder().setContext(leaderCtx())
                .setCf("raft").setKey(bs("k")).build());
        assertFalse(badCf.getError().isEmpty(), badCf.toString());
        assertFalse(badCf.hasRegionError());
    }
}
