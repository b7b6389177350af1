package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.store.Bootstrap;
import org.tinykv.multiraft.store.Store;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.multiraft.transport.SimTransport;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * Three stores with their workers on real threads; clients wait on futures with deadlines. The log is compacted
 * every 20 entries; afterwards a 4th store joins by conf change and catches up by snapshot (snapshot worker on its
 * own thread).
 */
@Timeout(60)
class ClusterThreadedTest {
    private static final Path DIR = Path.of("/t");

    @Test
    void concurrentClientsThroughTheLeader() throws Exception {
        final StoreConfig cfg = new StoreConfig(20, 1, 1, 256, 4L << 20, 4L << 20,
                PeerConfig.defaults().withGcLimits(20, PeerConfig.DEFAULT_GC_SIZE_LIMIT));
        final Region region = Bootstrap.firstRegion(1, new long[] {1, 2, 3}, new long[] {11, 12, 13});
        final SimTransport transport = new SimTransport(5, SystemEpochClock.INSTANCE);
        final Map<Long, Store> stores = new HashMap<>();
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (long s = 1; s <= 3; s++) {
                final MemFileSystem fs = new MemFileSystem();
                Bootstrap.bootstrapStore(fs, DIR, 1, s, region, cfg);
                final Store st = Store.open(fs, DIR, cfg, transport, SystemEpochClock.INSTANCE);
                transport.register(s, st::onRaftMessage);
                transport.registerSnapshotReceiver(s, st::receiveSnapshot);
                stores.put(s, st);
            }
            // elect store 1 quickly: campaign before any worker thread owns the peer
            stores.get(1L).router().fsm(1).peer().campaign();
            for (final Store st : stores.values()) {
                st.start();
            }
            final List<Future<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                final int id = c;
                clients.add(pool.submit(() -> runClient(stores, region, id)));
            }
            for (final Future<Integer> f : clients) {
                assertEquals(30, f.get(50, TimeUnit.SECONDS));
            }
            addFourthStore(stores, cfg, transport);
        } finally {
            pool.shutdownNow();
            for (final Store st : stores.values()) {
                st.close();
            }
        }
    }

    private static void addFourthStore(final Map<Long, Store> stores, final StoreConfig cfg,
                                       final SimTransport transport) throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        Bootstrap.bootstrapEmptyStore(fs, DIR, 1, 4, cfg);
        final Store st4 = Store.open(fs, DIR, cfg, transport, SystemEpochClock.INSTANCE);
        transport.register(4, st4::onRaftMessage);
        transport.registerSnapshotReceiver(4, st4::receiveSnapshot);
        stores.put(4L, st4);
        st4.start();
        final Region region = Bootstrap.firstRegion(1, new long[] {1, 2, 3}, new long[] {11, 12, 13});
        RaftCmdResponse added = null;
        long target = 1;
        for (int attempt = 0; attempt < 200 && (added == null || added.getHeader().hasError()); attempt++) {
            final CompletableFuture<RaftCmdResponse> f = new CompletableFuture<>();
            stores.get(target).propose(org.tinykv.multiraft.operation.confchange.ChangePeer.request(region,
                    region.getPeers((int) target - 1), org.tinykv.proto.eraftpb.ConfChangeType.AddNode,
                    org.tinykv.proto.metapb.Peer.newBuilder().setId(14).setStoreId(4).build()),
                    (resp, snap) -> f.complete(resp));
            added = f.get(10, TimeUnit.SECONDS);
            if (added.getHeader().getError().getNotLeader().hasLeader()) {
                target = added.getHeader().getError().getNotLeader().getLeader().getStoreId();
            }
        }
        assertNotNull(added);
        assertEquals(false, added.getHeader().hasError(), added.toString());
        final byte[] key = org.tinykv.multiraft.peer.Keys.dataKey("c0-0".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 500 && st4.engines().kv().get(org.tinykv.lsm.Cf.DEFAULT, key) == null; i++) {
            // each write through the leader takes a few raft rounds: it paces the wait without sleeping
            final CompletableFuture<RaftCmdResponse> f = new CompletableFuture<>();
            stores.get(target).propose(RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder()
                    .setRegionId(1).setPeer(region.getPeers((int) target - 1)).setRegionEpoch(region.getRegionEpoch()))
                    .addRequests(TestCluster.put("pace", "" + i)).build(), (resp, snap) -> f.complete(resp));
            f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(ByteString.copyFromUtf8("v0"), ByteString.copyFrom(st4.engines().kv().get(
                org.tinykv.lsm.Cf.DEFAULT, key)), "the 4th store caught up by snapshot");
        assertEquals(true, st4.router().fsm(1).peer().storage().truncatedIndex() > 5, "it started from a snapshot");
    }

    private static int runClient(final Map<Long, Store> stores, final Region region, final int id)
            throws Exception {
        long target = 1;
        int done = 0;
        for (int i = 0; i < 30; i++) {
            final String k = "c" + id + "-" + i;
            final Request put = TestCluster.put(k, "v" + i);
            RaftCmdResponse r = null;
            // the first election takes real time (more with lease reads: one election timeout of vote barrier),
            // so retry by time, not by count
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                r = send(stores.get(target), region, target, put);
                if (!r.getHeader().hasError()) {
                    break;
                }
                if (r.getHeader().getError().getNotLeader().hasLeader()) {
                    target = r.getHeader().getError().getNotLeader().getLeader().getStoreId();
                } else {
                    target = 1 + (target % 3);
                }
            }
            assertNotNull(r);
            assertEquals(false, r.getHeader().hasError(), r.toString());
            final RaftCmdResponse g = send(stores.get(target), region, target, TestCluster.get(k));
            assertEquals(ByteString.copyFromUtf8("v" + i), g.getResponses(0).getGet().getValue(), g.toString());
            done++;
        }
        return done;
    }

    private static RaftCmdResponse send(final Store st, final Region region, final long storeId, final Request r)
            throws Exception {
        final CompletableFuture<RaftCmdResponse> f = new CompletableFuture<>();
        st.propose(RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder().setRegionId(1)
                .setPeer(region.getPeers((int) storeId - 1)).setRegionEpoch(region.getRegionEpoch()))
                .addRequests(r).build(), (resp, snap) -> {
                    if (snap != null) {
                        snap.close();
                    }
                    f.complete(resp);
                });
        return f.get(10, TimeUnit.SECONDS);
    }
}
