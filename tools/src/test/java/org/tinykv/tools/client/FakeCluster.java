package org.tinykv.tools.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.GetMembersResponse;
import org.tinykv.proto.schedulerpb.GetRegionRequest;
import org.tinykv.proto.schedulerpb.GetRegionResponse;
import org.tinykv.proto.schedulerpb.GetStoreRequest;
import org.tinykv.proto.schedulerpb.GetStoreResponse;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.Timestamp;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;

/**
 * Fake scheduler and stores on loopback for {@link ClusterClient} tests: the scheduler answers GetRegion from
 * {@link #regions} and {@link #leaders}, GetStore from the stores' addresses (overridable), and counts its calls;
 * the stores share one raw map and one log of received requests. The client it makes runs on a manual clock whose
 * sleeps advance it.
 */
final class FakeCluster extends SchedulerGrpc.SchedulerImplBase implements AutoCloseable {

    /** One request a store received. */
    record Received(long storeId, String op, Context context, Message request) {
    }

    static final long CLUSTER_ID = 42;
    final List<Received> log = new CopyOnWriteArrayList<>();
    final ConcurrentSkipListMap<ByteString, ByteString> data =
        new ConcurrentSkipListMap<>(ByteString.unsignedLexicographicalComparator());
    final List<Region> regions = new CopyOnWriteArrayList<>();
    final Map<Long, Long> leaders = new ConcurrentHashMap<>();
    final Map<Long, FakeStore> stores = new ConcurrentHashMap<>();
    final Map<Long, String> addressOverrides = new ConcurrentHashMap<>();
    final AtomicInteger getRegionCalls = new AtomicInteger();
    final AtomicInteger getStoreCalls = new AtomicInteger();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Server server;
    private final List<ClusterClient> clients = new ArrayList<>();

    FakeCluster(final int storeCount) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
        for (long id = 1; id <= storeCount; id++) {
            stores.put(id, new FakeStore(id, this));
        }
    }

    /** Key bytes of an ASCII string. */
    static ByteString key(final String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /** A region with peers {@code id*10+store} on each of {@code storeIds}. */
    static Region region(final long id, final ByteString start, final ByteString end, final long version,
                         final long... storeIds) {
        final Region.Builder b = Region.newBuilder().setId(id).setStartKey(start).setEndKey(end)
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(version));
        for (long s : storeIds) {
            b.addPeers(Peer.newBuilder().setId(id * 10 + s).setStoreId(s));
        }
        return b.build();
    }

    /** Replaces every region the scheduler knows by {@code rs}. */
    void setRegions(final Region... rs) {
        regions.clear();
        regions.addAll(Arrays.asList(rs));
    }

    Region region(final long id) {
        return regions.stream().filter(r -> r.getId() == id).findFirst().orElseThrow();
    }

    /** A client on the manual clock: {@code callTimeout} per call, sleeps advance the clock. */
    ClusterClient client(final Duration callTimeout) {
        return client(callTimeout, 1);
    }

    /** {@link #client(Duration)} with {@code connectionsPerStore} connections to each store. */
    ClusterClient client(final Duration callTimeout, final int connectionsPerStore) {
        final ClusterClientOptions options = ClusterClientOptions.defaults()
            .withTimeouts(callTimeout, Duration.ofSeconds(5)).withClock(clock::get, clock::addAndGet)
            .withConnectionsPerStore(connectionsPerStore);
        final ClusterClient c = new ClusterClient(SchedulerClient.connect("127.0.0.1:" + server.getPort(),
            Duration.ofSeconds(5)), options);
        clients.add(c);
        return c;
    }

    /** The scheduler's address, HOST:PORT. */
    String schedulerAddress() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The requests store {@code storeId} received, in order. */
    List<Received> receivedBy(final long storeId) {
        return log.stream().filter(r -> r.storeId() == storeId).toList();
    }

    private static ResponseHeader ok() {
        return ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).build();
    }

    @Override
    public void getMembers(final GetMembersRequest req, final StreamObserver<GetMembersResponse> out) {
        out.onNext(GetMembersResponse.newBuilder().setHeader(ok()).build());
        out.onCompleted();
    }

    @Override
    public StreamObserver<TsoRequest> tso(final StreamObserver<TsoResponse> out) {
        final AtomicLong logical = new AtomicLong();
        return new StreamObserver<>() {
            @Override
            public void onNext(final TsoRequest req) {
                final long last = logical.addAndGet(req.getCount());
                out.onNext(TsoResponse.newBuilder().setHeader(ok()).setCount(req.getCount())
                    .setTimestamp(Timestamp.newBuilder().setPhysical(1_000).setLogical(last)).build());
            }

            @Override
            public void onError(final Throwable t) {
                out.onCompleted();
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    @Override
    public void getRegion(final GetRegionRequest req, final StreamObserver<GetRegionResponse> out) {
        getRegionCalls.incrementAndGet();
        final GetRegionResponse.Builder b = GetRegionResponse.newBuilder().setHeader(ok());
        if (req.getHeader().getClusterId() == CLUSTER_ID) {
            for (Region r : regions) {
                if (CachedRegion.of(r, 0).contains(req.getRegionKey().toByteArray())) {
                    b.setRegion(r);
                    final Long leaderStore = leaders.get(r.getId());
                    r.getPeersList().stream().filter(p -> leaderStore != null && p.getStoreId() == leaderStore)
                        .findFirst().ifPresent(b::setLeader);
                }
            }
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void getStore(final GetStoreRequest req, final StreamObserver<GetStoreResponse> out) {
        getStoreCalls.incrementAndGet();
        final GetStoreResponse.Builder b = GetStoreResponse.newBuilder().setHeader(ok());
        final FakeStore s = stores.get(req.getStoreId());
        if (s != null) {
            b.setStore(Store.newBuilder().setId(req.getStoreId())
                .setAddress(addressOverrides.getOrDefault(req.getStoreId(), s.address())));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        for (ClusterClient c : clients) {
            c.close();
        }
        for (FakeStore s : stores.values()) {
            s.close();
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
