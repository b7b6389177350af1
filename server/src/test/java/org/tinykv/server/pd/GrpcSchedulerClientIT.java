package org.tinykv.server.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.ErrorType;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;
import org.tinykv.proto.schedulerpb.StoreStats;

/** {@link GrpcSchedulerClient} against {@link FakeScheduler} on loopback. */
@Timeout(60)
class GrpcSchedulerClientIT {
    private FakeScheduler fake;
    private GrpcSchedulerClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private void start(final Duration rpcTimeout) throws IOException {
        fake = FakeScheduler.start(0, 1);
        client = GrpcSchedulerClient.connect("127.0.0.1:" + fake.port(), new SchedulerClientOptions(rpcTimeout, 4,
                Duration.ofMillis(50), Duration.ofMillis(400)));
    }

    private static Region region(final long id) {
        return Region.newBuilder().setId(id).setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
                .addPeers(Peer.newBuilder().setId(11).setStoreId(1)).addPeers(Peer.newBuilder().setId(12)
                        .setStoreId(2)).build();
    }

    private static RegionHeartbeatRequest heartbeat(final long regionId) {
        final Region r = region(regionId);
        return RegionHeartbeatRequest.newBuilder().setRegion(r).setLeader(r.getPeers(0)).build();
    }

    @Test
    void unaryCallsCarryTheClusterIdAndHeaderErrorsBecomeIoExceptions() throws Exception {
        start(Duration.ofSeconds(10));
        assertEquals(FakeScheduler.CLUSTER_ID, client.clusterId());
        final long a = client.allocId();
        assertEquals(a + 1, client.allocId());
        assertFalse(client.isBootstrapped());
        final Store s1 = Store.newBuilder().setId(1).setAddress("127.0.0.1:20160").build();
        client.bootstrap(s1, region(2));
        assertTrue(client.isBootstrapped());
        final SchedulerErrorException again = assertThrows(SchedulerErrorException.class,
                () -> client.bootstrap(s1, region(2)));
        assertEquals(ErrorType.ALREADY_BOOTSTRAPPED, again.type());
        assertTrue(again.getMessage().contains("cluster is already bootstrapped"), again.getMessage());
        client.putStore(Store.newBuilder().setId(2).setAddress("127.0.0.1:20161").build());
        assertEquals("127.0.0.1:20161", client.getStore(2).getAddress());
        assertNull(client.getStore(77), "an unknown store is null, not an error");
        fake.stores.put(3L, Store.newBuilder().setId(3).setState(StoreState.Tombstone).build());
        assertEquals(ErrorType.STORE_TOMBSTONE, assertThrows(SchedulerErrorException.class,
                () -> client.putStore(Store.newBuilder().setId(3).build())).type());
        final AskSplitResponse split = client.askSplit(region(2));
        assertEquals(2, split.getNewPeerIdsCount());
        client.storeHeartbeat(StoreHeartbeatRequest.newBuilder().setStats(StoreStats.newBuilder().setStoreId(1))
                .build());
        final StoreHeartbeatRequest hb = fake.storeHeartbeats.poll(10, TimeUnit.SECONDS);
        assertNotNull(hb, "store heartbeat arrived");
        assertEquals(1, hb.getStats().getStoreId());
        assertFalse(fake.headers.isEmpty());
        for (final RequestHeader h : fake.headers) {
            assertEquals(FakeScheduler.CLUSTER_ID, h.getClusterId(), "every request carries the cluster id");
        }
    }

    @Test
    void aDownSchedulerFailsPromptlyAndIsUsedAgainWhenBack() throws Exception {
        start(Duration.ofSeconds(20));
        final int port = fake.port();
        client.allocId();
        fake.close();
        final long t0 = System.nanoTime();
        final IOException down = assertThrows(IOException.class, () -> client.allocId());
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5_000, "failed after " + ms + " ms, not promptly (deadline 20 s)");
        assertTrue(down.getMessage().contains("UNAVAILABLE"), down.getMessage());
        fake = FakeScheduler.start(port, 2);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long id = 0;
        while (id == 0 && System.nanoTime() < deadline) {
            try {
                id = client.allocId();
            } catch (final IOException e) {
                fake.regionHeartbeats.poll(50, TimeUnit.MILLISECONDS); // paces the retries
            }
        }
        assertTrue(id > 0, "the client reconnected to the restarted scheduler");
    }

    @Test
    void aHungSchedulerFailsAtTheDeadline() throws Exception {
        fake = FakeScheduler.start(0, 1);
        final SchedulerClientOptions opts = new SchedulerClientOptions(Duration.ofSeconds(1), 4,
                Duration.ofMillis(50), Duration.ofMillis(400));
        for (int attempt = 0; client == null; attempt++) {
            try {
                client = GrpcSchedulerClient.connect("127.0.0.1:" + fake.port(), opts);
            } catch (final IOException e) {
                if (attempt == 2) {
                    throw e; // a cold JVM may need more than the deadline for the first connection
                }
            }
        }
        client.allocId();
        fake.hang.set(true);
        final long t0 = System.nanoTime();
        final IOException e = assertThrows(IOException.class, () -> client.allocId());
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("DEADLINE_EXCEEDED"), e.getMessage());
        assertTrue(ms >= 900 && ms < 6_000, "took " + ms + " ms");
    }

    @Test
    void connectingToNothingFailsPromptly() throws Exception {
        final int port;
        try (FakeScheduler gone = FakeScheduler.start(0, 0)) {
            port = gone.port();
        }
        final long t0 = System.nanoTime();
        assertThrows(IOException.class, () -> GrpcSchedulerClient.connect("127.0.0.1:" + port,
                Duration.ofSeconds(20)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void heartbeatStreamReconnectsAfterTheSchedulerRestartsAndOperatorsReachTheListener() throws Exception {
        start(Duration.ofSeconds(5));
        final int port = fake.port();
        final LinkedBlockingQueue<RegionHeartbeatResponse> ops = new LinkedBlockingQueue<>();
        client.setOperatorListener(ops::add);
        client.regionHeartbeat(heartbeat(5));
        final RegionHeartbeatResponse op = ops.poll(10, TimeUnit.SECONDS);
        assertNotNull(op, "operator delivered");
        assertEquals(5, op.getRegionId());
        assertEquals(1001, op.getChangePeer().getPeer().getId());
        assertEquals(FakeScheduler.CLUSTER_ID, fake.regionHeartbeats.take().getHeader().getClusterId());

        fake.close();
        fake = FakeScheduler.start(port, 2);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        RegionHeartbeatResponse fromNew = null;
        while (fromNew == null && System.nanoTime() < deadline) {
            client.regionHeartbeat(heartbeat(6));
            final RegionHeartbeatResponse r = ops.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.getChangePeer().getPeer().getId() == 1002) {
                fromNew = r;
            }
        }
        assertNotNull(fromNew, "the stream was re-opened to the restarted scheduler");
        assertEquals(6, fromNew.getRegionId());
        assertTrue(client.regionHeartbeatStreamsOpened() >= 2, "" + client.regionHeartbeatStreamsOpened());
    }

    @Test
    void heartbeatsQueuedWhileTheSchedulerIsDownDropTheOldest() throws Exception {
        start(Duration.ofSeconds(5));
        fake.close();
        for (int i = 1; i <= 20; i++) {
            client.regionHeartbeat(heartbeat(i));
        }
        assertEquals(16, client.regionHeartbeatsDropped(), "queue of 4 keeps the newest");
        assertEquals(0, client.regionHeartbeatsSent());
        client.close();
        client.regionHeartbeat(heartbeat(99));
        assertEquals(17, client.regionHeartbeatsDropped(), "after close every heartbeat is dropped");
        client = null;
    }
}
