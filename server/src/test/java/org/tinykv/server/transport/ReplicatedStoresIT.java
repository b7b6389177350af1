package org.tinykv.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.lsm.Cf;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.store.Bootstrap;
import org.tinykv.multiraft.store.Store;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.PutRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.wal.fs.OsFileSystem;

/**
 * Three real multiraft {@link Store}s on temp dirs, each with a loopback gRPC server (TinyKv Raft/Snapshot through a
 * {@link RaftEndpointService}) and a {@link GrpcTransport} resolving through a live map: a region replicated on all
 * three applies every put everywhere; a store that was down while the log was compacted catches up through a
 * snapshot streamed over gRPC.
 */
@Timeout(120)
class ReplicatedStoresIT {
    @TempDir
    Path tmp;

    private final OsFileSystem fs = new OsFileSystem();
    private final Map<Long, String> addresses = new ConcurrentHashMap<>();
    private final Map<Long, Node> nodes = new HashMap<>();
    private final StoreConfig cfg = new StoreConfig(20, 1, 1, 256, 4L << 20, 4L << 20,
            PeerConfig.defaults().withGcLimits(20, PeerConfig.DEFAULT_GC_SIZE_LIMIT));
    private final Region region = Bootstrap.firstRegion(1, new long[] {1, 2, 3}, new long[] {11, 12, 13});

    /** A store with its transport, endpoint and server. */
    private final class Node implements AutoCloseable {
        final GrpcTransport transport;
        final Store store;
        final RaftEndpointService endpoint;
        final EndpointServer server;

        Node(final long id) throws IOException {
            final Path dir = tmp.resolve("store" + id);
            transport = new GrpcTransport(StoreAddressResolver.of(addresses), TransportOptions.defaults(16L << 20)
                    .withReconnect(Duration.ofMillis(20), Duration.ofMillis(300)));
            store = Store.open(fs, dir, cfg, transport, SystemEpochClock.INSTANCE);
            endpoint = RaftEndpointService.of(store, dir.resolve("snap"));
            server = new EndpointServer(endpoint);
            addresses.put(id, server.address());
        }

        @Override
        public void close() throws Exception {
            server.close();
            transport.close();
            store.close();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (final Node n : nodes.values()) {
            n.close();
        }
    }

    private static Request put(final String k, final String v) {
        return Request.newBuilder().setCmdType(CmdType.Put).setPut(PutRequest.newBuilder().setCf("default")
                .setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFromUtf8(v))).build();
    }

    private long leader = 1;

    /** Proposes a put at the leader, following NotLeader hints; returns once it is applied there. */
    private void putThroughLeader(final String k, final String v) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RaftCmdResponse r = null;
        while (System.nanoTime() < deadline) {
            final CompletableFuture<RaftCmdResponse> f = new CompletableFuture<>();
            final Node n = nodes.get(leader);
            n.store.propose(RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder().setRegionId(1)
                    .setPeer(region.getPeers((int) leader - 1)).setRegionEpoch(region.getRegionEpoch()))
                    .addRequests(put(k, v)).build(), (resp, snap) -> f.complete(resp));
            r = f.get(10, TimeUnit.SECONDS);
            if (!r.getHeader().hasError()) {
                return;
            }
            final long hint = r.getHeader().getError().getNotLeader().getLeader().getStoreId();
            if (hint != 0 && nodes.containsKey(hint)) {
                leader = hint;
            } else {
                leader = nodes.keySet().stream().filter(s -> s != leader).findFirst().orElseThrow();
                pause(); // no leader known yet (an election is running): retry shortly
            }
        }
        throw new AssertionError("put " + k + " failed: " + r);
    }

    /** Waits 20 ms: only between retries against real servers. */
    private static void pause() throws InterruptedException {
        new java.util.concurrent.LinkedBlockingQueue<>().poll(20, TimeUnit.MILLISECONDS);
    }

    private byte[] value(final long storeId, final String k) throws IOException {
        return nodes.get(storeId).store.engines().kv().get(Cf.DEFAULT,
                Keys.dataKey(k.getBytes(StandardCharsets.UTF_8)));
    }

    private void awaitValue(final long storeId, final String k, final String v) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        final byte[] want = v.getBytes(StandardCharsets.UTF_8);
        while (!Arrays.equals(want, value(storeId, k))) {
            assertTrue(System.nanoTime() < deadline, "store " + storeId + " did not apply " + k + "=" + v);
            pause();
        }
    }

    @Test
    void putsReplicateToAllStoresAndALaggingStoreCatchesUpBySnapshot() throws Exception {
        for (long s = 1; s <= 3; s++) {
            Bootstrap.bootstrapStore(fs, tmp.resolve("store" + s), 1, s, region, cfg);
            nodes.put(s, new Node(s));
        }
        nodes.get(1L).store.router().fsm(1).peer().campaign();
        for (final Node n : nodes.values()) {
            n.store.start();
        }
        for (int i = 0; i < 30; i++) {
            putThroughLeader("k" + i, "v" + i);
        }
        for (long s = 1; s <= 3; s++) {
            awaitValue(s, "k29", "v29");
        }
        final long down = leader == 3 ? 2 : 3;
        final long lastIndexWhenDown = nodes.get(down).store.router().fsm(1).peer().storage().lastIndex();
        nodes.remove(down).close();

        for (int i = 30; i < 130; i++) {
            putThroughLeader("k" + i, "v" + i);
        }
        final long truncated = nodes.get(leader).store.router().fsm(1).peer().storage().truncatedIndex();
        assertTrue(truncated > lastIndexWhenDown, "the log was compacted past the down store's last index: "
                + truncated + " <= " + lastIndexWhenDown);

        nodes.put(down, new Node(down));
        nodes.get(down).store.start();
        awaitValue(down, "k129", "v129");
        awaitValue(down, "k31", "v31");
        assertTrue(nodes.get(down).endpoint.snapshotsAccepted() >= 1, "caught up through a gRPC snapshot");
        assertTrue(nodes.get(leader).transport.metrics().snapshotsSent() >= 1);
        assertTrue(nodes.get(down).endpoint.snapshotBytesReceived() > 0);
        assertTrue(nodes.get(down).store.router().fsm(1).peer().storage().truncatedIndex() > lastIndexWhenDown);
        putThroughLeader("after", "snapshot");
        for (final long s : nodes.keySet()) {
            awaitValue(s, "after", "snapshot");
        }
        assertNotNull(value(down, "k0"));
        assertEquals(3, nodes.size());
    }
}
