package org.tinykv.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.proto.metapb.Cluster;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.AllocIDRequest;
import org.tinykv.proto.schedulerpb.BootstrapRequest;
import org.tinykv.proto.schedulerpb.GetAllStoresRequest;
import org.tinykv.proto.schedulerpb.GetClusterConfigRequest;
import org.tinykv.proto.schedulerpb.GetGCSafePointRequest;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.GetRegionByIDRequest;
import org.tinykv.proto.schedulerpb.GetRegionResponse;
import org.tinykv.proto.schedulerpb.IsBootstrappedRequest;
import org.tinykv.proto.schedulerpb.PutClusterConfigRequest;
import org.tinykv.proto.schedulerpb.PutStoreRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;
import org.tinykv.proto.schedulerpb.UpdateGCSafePointRequest;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/**
 * A real tinyscheduler-server process: state written before a SIGKILL (kill -9) is all there after a restart on
 * the same data dir; ids and timestamps keep increasing; a second process on a locked data dir is refused;
 * SIGTERM shuts down cleanly.
 */
class SchedulerProcessIT {

    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A child scheduler and its output lines. */
    record Child(Process process, LinkedBlockingQueue<String> lines) {
        String await(String fragment) throws InterruptedException {
            StringBuilder seen = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String l = lines.poll(1, TimeUnit.SECONDS);
                if (l == null) {
                    if (!process.isAlive() && lines.isEmpty()) {
                        break;
                    }
                    continue;
                }
                seen.append(l).append('\n');
                if (l.contains(fragment)) {
                    return l;
                }
            }
            throw new AssertionError("no line containing '" + fragment + "'; output:\n" + seen);
        }
    }

    Child start(int port) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), SchedulerMain.class.getName(), "--data-dir=" + dir,
                "--client-urls=http://127.0.0.1:" + port, "--name=it", "-L", "info");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        processes.add(p);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        return new Child(p, lines);
    }

    static long maxTso(SchedulerGrpc.SchedulerStub async, RequestHeader h, int streams, int perStream)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        List<Future<Long>> fs = new ArrayList<>();
        for (int t = 0; t < streams; t++) {
            fs.add(pool.submit(() -> {
                LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
                StreamObserver<TsoRequest> req = async.tso(new StreamObserver<>() {
                    @Override
                    public void onNext(TsoResponse v) {
                        q.add(v);
                    }

                    @Override
                    public void onError(Throwable e) {
                        q.add(e);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                long prev = -1;
                for (int i = 0; i < perStream; i++) {
                    req.onNext(TsoRequest.newBuilder().setHeader(h).setCount(10).build());
                    Object o = q.poll(10, TimeUnit.SECONDS);
                    if (!(o instanceof TsoResponse r)) {
                        throw new AssertionError("tso failed: " + o);
                    }
                    long ts = r.getTimestamp().getPhysical() << 18 | r.getTimestamp().getLogical();
                    assertTrue(ts - 9 > prev);
                    prev = ts;
                }
                req.onCompleted();
                return prev;
            }));
        }
        long max = 0;
        for (Future<Long> f : fs) {
            max = Math.max(max, f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return max;
    }

    @Test
    void everythingSurvivesKillMinus9() throws Exception {
        int port = freePort();
        Child first = start(port);
        first.await("listening on");
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        SchedulerGrpc.SchedulerBlockingStub stub = SchedulerGrpc.newBlockingStub(ch)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        long clusterId = stub.getMembers(GetMembersRequest.getDefaultInstance()).getHeader().getClusterId();
        assertTrue(clusterId != 0);
        RequestHeader h = RequestHeader.newBuilder().setClusterId(clusterId).build();
        stub.bootstrap(BootstrapRequest.newBuilder().setHeader(h).setStore(store(1)).build());
        stub.putStore(PutStoreRequest.newBuilder().setHeader(h).setStore(store(2)).build());
        long lastId = 0;
        for (int i = 0; i < 50; i++) {
            lastId = stub.allocID(AllocIDRequest.newBuilder().setHeader(h).build()).getId();
        }
        Region region = Region.newBuilder().setId(7).setEndKey(ByteString.copyFromUtf8("m"))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
                .addPeers(Peer.newBuilder().setId(8).setStoreId(1)).build();
        LinkedBlockingQueue<Object> hbq = new LinkedBlockingQueue<>();
        StreamObserver<RegionHeartbeatRequest> hb = SchedulerGrpc.newStub(ch).regionHeartbeat(queue(hbq));
        hb.onNext(RegionHeartbeatRequest.newBuilder().setHeader(h).setRegion(region).setLeader(region.getPeers(0))
                .build());
        // barrier: an invalid report after it is answered (with an error) once everything before is processed
        hb.onNext(RegionHeartbeatRequest.newBuilder().setHeader(h).setRegion(Region.newBuilder().setId(0))
                .setLeader(region.getPeers(0)).build());
        // operators for region 7 (the replica checker adding peers) may be sent before the barrier's answer
        Object barrier = hbq.poll(30, TimeUnit.SECONDS);
        while (barrier instanceof RegionHeartbeatResponse op && !op.getHeader().hasError() && op.getRegionId() == 7) {
            barrier = hbq.poll(30, TimeUnit.SECONDS);
        }
        assertTrue(barrier instanceof RegionHeartbeatResponse b && b.getHeader().hasError(), String.valueOf(barrier));
        GetRegionResponse got = stub.getRegionByID(GetRegionByIDRequest.newBuilder().setHeader(h).setRegionId(7)
                .build());
        assertTrue(got.hasRegion());
        stub.updateGCSafePoint(UpdateGCSafePointRequest.newBuilder().setHeader(h).setSafePoint(1234).build());
        stub.putClusterConfig(PutClusterConfigRequest.newBuilder().setHeader(h)
                .setCluster(Cluster.newBuilder().setId(clusterId).setMaxPeerCount(1)).build());
        long maxTs = maxTso(SchedulerGrpc.newStub(ch), h, 8, 200);

        // a second scheduler on the same data dir is refused while the first runs
        Child second = start(freePort());
        second.await("in use by another scheduler");
        assertTrue(second.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, second.process().exitValue());

        first.process().destroyForcibly();
        assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        Child again = start(port);
        again.await("listening on");
        ManagedChannel ch2 = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        SchedulerGrpc.SchedulerBlockingStub s2 = SchedulerGrpc.newBlockingStub(ch2)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        assertEquals(clusterId, s2.getMembers(GetMembersRequest.getDefaultInstance()).getHeader().getClusterId());
        assertTrue(s2.isBootstrapped(IsBootstrappedRequest.newBuilder().setHeader(h).build()).getBootstrapped());
        assertEquals(2, s2.getAllStores(GetAllStoresRequest.newBuilder().setHeader(h).build()).getStoresCount());
        assertEquals(region, s2.getRegionByID(GetRegionByIDRequest.newBuilder().setHeader(h).setRegionId(7)
                .build()).getRegion());
        assertEquals(1234, s2.getGCSafePoint(GetGCSafePointRequest.newBuilder().setHeader(h).build())
                .getSafePoint());
        assertEquals(1, s2.getClusterConfig(GetClusterConfigRequest.newBuilder().setHeader(h).build())
                .getCluster().getMaxPeerCount());
        long nextId = s2.allocID(AllocIDRequest.newBuilder().setHeader(h).build()).getId();
        assertTrue(nextId > lastId, nextId + " > " + lastId);
        long firstTs = maxTso(SchedulerGrpc.newStub(ch2), h, 8, 20);
        assertTrue(firstTs > maxTs, "tso after kill -9: " + firstTs + " > " + maxTs);
        ch2.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        // SIGTERM: graceful shutdown through the hook
        // (Process.destroy() would close our end of its output, so send the signal by pid)
        Process term = new ProcessBuilder("kill", "-TERM", Long.toString(again.process().pid())).start();
        assertTrue(term.waitFor(10, TimeUnit.SECONDS));
        again.await("scheduler stopped");
        assertTrue(again.process().waitFor(30, TimeUnit.SECONDS));
        assertFalse(again.process().isAlive());
        assertTrue(Files.exists(dir.resolve("LOCK")));
    }

    static Store store(long id) {
        return Store.newBuilder().setId(id).setAddress("127.0.0.1:" + (20160 + id)).build();
    }

    static <T> StreamObserver<T> queue(LinkedBlockingQueue<Object> q) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T v) {
                q.add(v);
            }

            @Override
            public void onError(Throwable t) {
                q.add(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
