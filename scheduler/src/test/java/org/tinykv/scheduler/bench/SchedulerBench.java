package org.tinykv.scheduler.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;
import org.tinykv.scheduler.SchedulerServer;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.config.SchedulerConfig;
import org.tinykv.scheduler.meta.LsmMetaStore;
import org.tinykv.scheduler.meta.MemMetaStore;
import org.tinykv.wal.fs.OsFileSystem;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/**
 * Benchmark (a main, not a test) over gRPC on loopback:
 * <ol>
 * <li>TSO timestamps/s with 1 and 8 streams, count=1 and count=100, each stream a closed loop (send, wait) as
 * TinyKV's client does; p50/p99 of one round trip with 1 stream, count=1. The scheduler persists to lsm.</li>
 * <li>Region heartbeats/s with 100,000 regions known, 3 streams (one per leader store) sending without waiting
 * (responses are sparse); the region metadata is unchanged, so nothing is written (in-memory metadata store).</li>
 * </ol>
 * Run: java -cp target/test-classes:target/classes:target/lib/* org.tinykv.scheduler.bench.SchedulerBench [seconds]
 */
public final class SchedulerBench {

    private SchedulerBench() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        Path dir = Files.createTempDirectory("sched-bench");
        SchedulerConfig cfg = SchedulerConfig.defaults(dir).withClientUrl("http://127.0.0.1:0");
        try (SchedulerServer s = SchedulerServer.start(cfg, new OsFileSystem(), LsmMetaStore::open,
                Clock.systemUTC(), new Random(1))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.port()).usePlaintext()
                    .directExecutor().flowControlWindow(8 << 20).build();
            RequestHeader h = RequestHeader.newBuilder().setClusterId(s.clusterId()).build();
            tso(ch, h, 1, 1, 2, false); // warm-up
            tso(ch, h, 8, 1, 2, false);
            for (int streams : new int[] {1, 8}) {
                for (int count : new int[] {1, 100}) {
                    tso(ch, h, streams, count, seconds, true);
                }
            }
            ch.shutdownNow();
        }
        heartbeats(seconds);
    }

    static void tso(ManagedChannel ch, RequestHeader h, int streams, int count, long seconds, boolean print)
            throws Exception {
        SchedulerGrpc.SchedulerStub async = SchedulerGrpc.newStub(ch);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        long[] done = new long[streams];
        List<long[]> lat = new ArrayList<>();
        for (int t = 0; t < streams; t++) {
            int id = t;
            long[] samples = new long[t == 0 ? 1_000_000 : 2]; // latency of the first stream only
            lat.add(samples);
            Thread th = new Thread(() -> {
                SynchronousQueue<Object> q = new SynchronousQueue<>();
                StreamObserver<TsoRequest> req = async.tso(new StreamObserver<>() {
                    @Override
                    public void onNext(TsoResponse v) {
                        put(q, v);
                    }

                    @Override
                    public void onError(Throwable e) {
                        put(q, e);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                TsoRequest r = TsoRequest.newBuilder().setHeader(h).setCount(count).build();
                int n = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    req.onNext(r);
                    Object o = take(q);
                    if (!(o instanceof TsoResponse)) {
                        throw new IllegalStateException("tso failed: " + o);
                    }
                    if (n < samples.length) {
                        samples[n] = System.nanoTime() - t0;
                    }
                    n++;
                }
                req.onCompleted();
                done[id] = n;
                samples[samples.length - 1] = Math.min(n, samples.length - 1);
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        long reqs = Arrays.stream(done).sum();
        if (!print) {
            return;
        }
        long[] all = lat.get(0);
        int n = (int) all[all.length - 1];
        long[] sorted = Arrays.copyOf(all, n);
        Arrays.sort(sorted);
        System.out.printf("tso streams=%d count=%d: %,d requests/s, %,d timestamps/s; 1st stream round trip "
                + "p50=%.1fus p99=%.1fus p99.9=%.1fus%n", streams, count, reqs / seconds, reqs * count / seconds,
                sorted[n / 2] / 1e3, sorted[(int) (n * 0.99)] / 1e3, sorted[(int) (n * 0.999)] / 1e3);
    }

    static void put(SynchronousQueue<Object> q, Object o) {
        try {
            q.put(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Object take(SynchronousQueue<Object> q) {
        try {
            return q.poll(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void heartbeats(long seconds) throws Exception {
        int regions = 100_000;
        SchedulerConfig cfg = SchedulerConfig.defaults(null).withClientUrl("http://127.0.0.1:0");
        try (SchedulerServer s = SchedulerServer.start(cfg, new MemMetaStore(), Clock.systemUTC(), new Random(1))) {
            long cid = s.clusterId();
            RequestHeader h = RequestHeader.newBuilder().setClusterId(cid).build();
            s.cluster().bootstrap(Store.newBuilder().setId(1).setAddress("a:1").build(), 3);
            s.cluster().putStore(Store.newBuilder().setId(2).setAddress("a:2").build());
            s.cluster().putStore(Store.newBuilder().setId(3).setAddress("a:3").build());
            List<List<RegionHeartbeatRequest>> perStore = List.of(new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
            for (int i = 0; i < regions; i++) {
                Region.Builder b = Region.newBuilder().setId(1000 + i)
                        .setStartKey(i == 0 ? ByteString.EMPTY : key(i))
                        .setEndKey(i == regions - 1 ? ByteString.EMPTY : key(i + 1))
                        .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(3).setVersion(5));
                for (int p = 1; p <= 3; p++) {
                    b.addPeers(Peer.newBuilder().setId(10L * (1000 + i) + p).setStoreId(p));
                }
                Region r = b.build();
                Peer leader = r.getPeers(i % 3);
                RegionHeartbeatRequest req = RegionHeartbeatRequest.newBuilder().setHeader(h).setRegion(r)
                        .setLeader(leader).setApproximateSize(96L << 20).build();
                s.cluster().handleRegionHeartbeat(RegionInfo.fromHeartbeat(req));
                perStore.get(i % 3).add(req);
            }
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.port()).usePlaintext()
                    .directExecutor().flowControlWindow(8 << 20).build();
            SchedulerGrpc.SchedulerStub async = SchedulerGrpc.newStub(ch);
            LinkedBlockingQueue<Object> errors = new LinkedBlockingQueue<>();
            long base = s.metrics().regionHeartbeats.sum();
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            long sent = 0;
            List<StreamObserver<RegionHeartbeatRequest>> streams = new ArrayList<>();
            for (int st = 0; st < 3; st++) {
                streams.add(async.regionHeartbeat(new StreamObserver<>() {
                    @Override
                    public void onNext(RegionHeartbeatResponse v) {
                        if (v.getHeader().hasError()) {
                            errors.add(v);
                        }
                    }

                    @Override
                    public void onError(Throwable e) {
                        errors.add(e);
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
            }
            int idx = 0;
            while (System.nanoTime() < end) {
                for (int st = 0; st < 3; st++) {
                    streams.get(st).onNext(perStore.get(st).get(idx % perStore.get(st).size()));
                }
                sent += 3;
                idx++;
                if (sent % 3000 == 0) {
                    while (sent - (s.metrics().regionHeartbeats.sum() - base) > 20_000) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000); // at most 20k in flight
                    }
                }
            }
            while (s.metrics().regionHeartbeats.sum() - base < sent) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("region heartbeats over gRPC (3 streams, %,d regions known): %,.0f/s "
                    + "(%,d in %.2fs, %d errors)%n", regions, sent / secs, sent, secs, errors.size());
            for (StreamObserver<RegionHeartbeatRequest> o : streams) {
                o.onCompleted();
            }
            ch.shutdownNow();
            long t1 = System.nanoTime();
            int n = 0;
            while (System.nanoTime() - t1 < TimeUnit.SECONDS.toNanos(seconds)) {
                List<RegionHeartbeatRequest> l = perStore.get(n % 3);
                RegionInfo r = RegionInfo.fromHeartbeat(l.get((n / 3) % l.size()));
                s.cluster().handleRegionHeartbeat(r);
                s.operators().dispatch(r);
                n++;
            }
            System.out.printf("region heartbeats in-process (cluster state + operator dispatch): %,.0f/s%n",
                    n / ((System.nanoTime() - t1) / 1e9));
        }
    }

    static ByteString key(int i) {
        return ByteString.copyFromUtf8(String.format("t%08d", i));
    }
}
