package org.tinykv.server.raftkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.txn.cases.TxnCaseKit;

/**
 * A 3-store cluster whose region is split at {@code "m"} into regions 1 {@code ["", "m")} and 2 {@code ["m", "")}:
 * a client with the old epoch learns both regions from EpochNotMatch; keys outside a region answer KeyNotInRegion
 * (reads, writes and scan starts); raw and transactional scans stop at the region's end key, and a transaction
 * spanning both regions runs region by region, its locks resolved region by region.
 */
@Timeout(60)
class RaftKvSplitIT {
    private static RaftKvCluster cluster;
    private static Region left;
    private static Region right;
    private static long leftLeader;
    private static long rightLeader;

    @BeforeAll
    static void splitTheRegion() throws Exception {
        cluster = RaftKvCluster.start(3, Duration.ofSeconds(5));
        final long leader = cluster.leaderOf(cluster.region, bytes("a"));
        for (final String k : List.of("a", "k", "n", "z")) {
            assertFalse(cluster.stub(leader).rawPut(RawPutRequest.newBuilder()
                    .setContext(RaftKvCluster.ctx(leader, cluster.region)).setKey(bs(k)).setValue(bs("v" + k))
                    .build()).hasRegionError());
        }
        final RaftCmdResponse split = cluster.split(cluster.region, leader, bytes("m"), 2);
        assertFalse(split.getHeader().hasError(), split.toString());
        // A client with the old epoch: the store tells it both regions.
        final Error stale = cluster.stub(leader).rawGet(RawGetRequest.newBuilder()
                .setContext(RaftKvCluster.ctx(leader, cluster.region)).setKey(bs("a")).build()).getRegionError();
        assertTrue(stale.hasEpochNotMatch(), stale.toString());
        final List<Region> current = stale.getEpochNotMatch().getCurrentRegionsList();
        assertEquals(2, current.size(), stale.toString());
        left = current.get(0);
        right = current.get(1);
        assertEquals(List.of(1L, 2L), List.of(left.getId(), right.getId()));
        assertEquals(bs("m"), left.getEndKey());
        assertEquals(bs("m"), right.getStartKey());
        assertEquals(2, left.getRegionEpoch().getVersion());
        leftLeader = cluster.leaderOf(left, bytes("a"));
        rightLeader = cluster.leaderOf(right, bytes("n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteString bs(final String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static List<ByteString> rawScan(final long store, final Region r, final String start, final int limit) {
        final RawScanResponse resp = cluster.stub(store).rawScan(RawScanRequest.newBuilder()
                .setContext(RaftKvCluster.ctx(store, r)).setStartKey(bs(start)).setLimit(limit).build());
        assertFalse(resp.hasRegionError(), resp.toString());
        return resp.getKvsList().stream().map(KvPair::getKey).toList();
    }

    @Test
    void rawScansStopAtTheRegionsEnd() {
        // (the transaction test may add MVCC keys of "b" and "zz" to the default CF: between "a" and "k", after "z")
        assertEquals(List.of(bs("k")), rawScan(leftLeader, left, "c", 100));
        assertEquals(List.of(bs("a")), rawScan(leftLeader, left, "", 1));
        for (final ByteString k : rawScan(leftLeader, left, "", 100)) {
            assertTrue(k.toStringUtf8().compareTo("m") < 0, k.toStringUtf8());
        }
        assertEquals(List.of(bs("n"), bs("z")), rawScan(rightLeader, right, "m", 2));
    }

    @Test
    void keysOutsideTheRegionAnswerKeyNotInRegion() {
        final Context leftCtx = RaftKvCluster.ctx(leftLeader, left);
        final Error onGet = cluster.stub(leftLeader).rawGet(RawGetRequest.newBuilder().setContext(leftCtx)
                .setKey(bs("n")).build()).getRegionError();
        final Error onPut = cluster.stub(leftLeader).rawPut(RawPutRequest.newBuilder().setContext(leftCtx)
                .setKey(bs("q")).setValue(bs("x")).build()).getRegionError();
        final Error onScan = cluster.stub(rightLeader).rawScan(RawScanRequest.newBuilder()
                .setContext(RaftKvCluster.ctx(rightLeader, right)).setStartKey(bs("a")).setLimit(5).build())
                .getRegionError();
        for (final Error e : List.of(onGet, onPut, onScan)) {
            assertTrue(e.hasKeyNotInRegion(), e.toString());
        }
        assertEquals(bs("n"), onGet.getKeyNotInRegion().getKey());
        assertEquals(1, onGet.getKeyNotInRegion().getRegionId());
        assertEquals(bs("m"), onGet.getKeyNotInRegion().getEndKey());
        assertEquals(bs("q"), onPut.getKeyNotInRegion().getKey());
        assertEquals(2, onScan.getKeyNotInRegion().getRegionId());
        assertEquals(List.of(bs("n"), bs("z")), rawScan(rightLeader, right, "m", 2), "the refused put changed nothing");
    }

    @Test
    void transactionsRunInTheRegionOwningTheirKeys() {
        final Context leftCtx = RaftKvCluster.ctx(leftLeader, left);
        final Context rightCtx = RaftKvCluster.ctx(rightLeader, right);
        // One transaction over both regions, prewritten and committed region by region as a client does.
        assertEquals(0, cluster.stub(leftLeader).kvPrewrite(TxnCaseKit.prewrite(100, bytes("b"), 3000,
                TxnCaseKit.mut(Op.Put, bytes("b"), bytes("vb"))).toBuilder().setContext(leftCtx).build())
                .getErrorsCount());
        assertEquals(0, cluster.stub(rightLeader).kvPrewrite(TxnCaseKit.prewrite(100, bytes("b"), 3000,
                TxnCaseKit.mut(Op.Put, bytes("zz"), bytes("vzz"))).toBuilder().setContext(rightCtx).build())
                .getErrorsCount());
        final Error wrongRegion = cluster.stub(leftLeader).kvPrewrite(TxnCaseKit.prewrite(100, bytes("b"), 3000,
                TxnCaseKit.mut(Op.Put, bytes("q"), bytes("vq"))).toBuilder().setContext(leftCtx).build())
                .getRegionError();
        assertTrue(wrongRegion.hasKeyNotInRegion(), wrongRegion.toString());
        assertFalse(cluster.stub(leftLeader).kvCommit(TxnCaseKit.commit(100, 110, bytes("b")).toBuilder()
                .setContext(leftCtx).build()).hasRegionError());
        assertFalse(cluster.stub(rightLeader).kvCommit(TxnCaseKit.commit(100, 110, bytes("zz")).toBuilder()
                .setContext(rightCtx).build()).hasRegionError());

        final ScanResponse leftScan = cluster.stub(leftLeader).kvScan(TxnCaseKit.scan(new byte[0], 10, 200)
                .toBuilder().setContext(leftCtx).build());
        assertFalse(leftScan.hasRegionError(), leftScan.toString());
        assertEquals(List.of(bs("b")), leftScan.getPairsList().stream().map(KvPair::getKey).toList());
        assertEquals(bs("vb"), leftScan.getPairs(0).getValue());
        final ScanResponse rightScan = cluster.stub(rightLeader).kvScan(TxnCaseKit.scan(bytes("m"), 10, 200)
                .toBuilder().setContext(rightCtx).build());
        assertEquals(List.of(bs("zz")), rightScan.getPairsList().stream().map(KvPair::getKey).toList());
        final Error getElsewhere = cluster.stub(leftLeader).kvGet(TxnCaseKit.get(bytes("zz"), 200).toBuilder()
                .setContext(leftCtx).build()).getRegionError();
        assertTrue(getElsewhere.hasKeyNotInRegion(), getElsewhere.toString());
        assertEquals(bs("vzz"), cluster.stub(rightLeader).kvGet(TxnCaseKit.get(bytes("zz"), 200).toBuilder()
                .setContext(rightCtx).build()).getValue());
    }

    @Test
    void lockResolutionStaysInTheRegionItIsSentTo() {
        final Context leftCtx = RaftKvCluster.ctx(leftLeader, left);
        final Context rightCtx = RaftKvCluster.ctx(rightLeader, right);
        assertEquals(0, cluster.stub(leftLeader).kvPrewrite(TxnCaseKit.prewrite(300, bytes("c"), 3000,
                TxnCaseKit.mut(Op.Put, bytes("c"), bytes("vc"))).toBuilder().setContext(leftCtx).build())
                .getErrorsCount());
        assertEquals(0, cluster.stub(rightLeader).kvPrewrite(TxnCaseKit.prewrite(300, bytes("c"), 3000,
                TxnCaseKit.mut(Op.Put, bytes("y"), bytes("vy"))).toBuilder().setContext(rightCtx).build())
                .getErrorsCount());
        // The store's index of live locks holds both keys; the left region resolves only its own.
        final ResolveLockResponse onLeft = cluster.stub(leftLeader).kvResolveLock(ResolveLockRequest.newBuilder()
                .setContext(leftCtx).setStartVersion(300).setCommitVersion(310).build());
        assertFalse(onLeft.hasRegionError() || onLeft.hasError(), onLeft.toString());
        assertEquals(bs("vc"), cluster.stub(leftLeader).kvGet(TxnCaseKit.get(bytes("c"), 400).toBuilder()
                .setContext(leftCtx).build()).getValue());
        final GetResponse stillLocked = cluster.stub(rightLeader).kvGet(TxnCaseKit.get(bytes("y"), 400).toBuilder()
                .setContext(rightCtx).build());
        assertEquals(300, stillLocked.getError().getLocked().getLockVersion(), stillLocked.toString());
        final ResolveLockResponse onRight = cluster.stub(rightLeader).kvResolveLock(ResolveLockRequest.newBuilder()
                .setContext(rightCtx).setStartVersion(300).setCommitVersion(310).build());
        assertFalse(onRight.hasRegionError() || onRight.hasError(), onRight.toString());
        assertEquals(bs("vy"), cluster.stub(rightLeader).kvGet(TxnCaseKit.get(bytes("y"), 400).toBuilder()
                .setContext(rightCtx).build()).getValue());
    }
}
