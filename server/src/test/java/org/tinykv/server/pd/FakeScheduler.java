package org.tinykv.server.pd;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.schedulerpb.AllocIDRequest;
import org.tinykv.proto.schedulerpb.AllocIDResponse;
import org.tinykv.proto.schedulerpb.AskSplitRequest;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.BootstrapRequest;
import org.tinykv.proto.schedulerpb.BootstrapResponse;
import org.tinykv.proto.schedulerpb.ChangePeer;
import org.tinykv.proto.schedulerpb.ErrorType;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.GetMembersResponse;
import org.tinykv.proto.schedulerpb.GetStoreRequest;
import org.tinykv.proto.schedulerpb.GetStoreResponse;
import org.tinykv.proto.schedulerpb.IsBootstrappedRequest;
import org.tinykv.proto.schedulerpb.IsBootstrappedResponse;
import org.tinykv.proto.schedulerpb.Member;
import org.tinykv.proto.schedulerpb.PutStoreRequest;
import org.tinykv.proto.schedulerpb.PutStoreResponse;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;
import org.tinykv.proto.schedulerpb.StoreHeartbeatResponse;

/**
 * A scheduler stand-in on a loopback Netty server that checks cluster ids as the real one does (FAILED_PRECONDITION)
 * and answers every region heartbeat with an AddNode operator for the region (peer id = 1000 + generation, so a
 * test can tell which server instance answered). {@link #hang} makes AllocID never answer.
 */
final class FakeScheduler extends SchedulerGrpc.SchedulerImplBase implements AutoCloseable {
    static final long CLUSTER_ID = 42;

    final long generation;
    final Server server;
    final AtomicLong ids = new AtomicLong(100);
    final AtomicBoolean bootstrapped = new AtomicBoolean();
    final AtomicBoolean hang = new AtomicBoolean();
    final Map<Long, Store> stores = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<RequestHeader> headers = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<StoreHeartbeatRequest> storeHeartbeats = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<RegionHeartbeatRequest> regionHeartbeats = new LinkedBlockingQueue<>();

    private FakeScheduler(final int port, final long generation) throws IOException {
        this.generation = generation;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .withOption(ChannelOption.SO_REUSEADDR, true).addService(this).build().start();
    }

    static FakeScheduler start(final int port, final long generation) throws IOException {
        return new FakeScheduler(port, generation);
    }

    int port() {
        return server.getPort();
    }

    private static ResponseHeader ok() {
        return ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).build();
    }

    private static ResponseHeader error(final ErrorType t, final String msg) {
        return ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).setError(
                org.tinykv.proto.schedulerpb.Error.newBuilder().setType(t).setMessage(msg)).build();
    }

    private boolean check(final RequestHeader h, final StreamObserver<?> out) {
        headers.add(h);
        if (h.getClusterId() != CLUSTER_ID) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("mismatch cluster id").asRuntimeException());
            return false;
        }
        return true;
    }

    private static <T> void answer(final StreamObserver<T> out, final T v) {
        out.onNext(v);
        out.onCompleted();
    }

    @Override
    public void getMembers(final GetMembersRequest req, final StreamObserver<GetMembersResponse> out) {
        final Member m = Member.newBuilder().setName("fake").addClientUrls("http://127.0.0.1:" + port()).build();
        answer(out, GetMembersResponse.newBuilder().setHeader(ok()).setLeader(m).addMembers(m).build());
    }

    @Override
    public void allocID(final AllocIDRequest req, final StreamObserver<AllocIDResponse> out) {
        if (hang.get() || !check(req.getHeader(), out)) {
            return;
        }
        answer(out, AllocIDResponse.newBuilder().setHeader(ok()).setId(ids.incrementAndGet()).build());
    }

    @Override
    public void isBootstrapped(final IsBootstrappedRequest req, final StreamObserver<IsBootstrappedResponse> out) {
        if (check(req.getHeader(), out)) {
            answer(out, IsBootstrappedResponse.newBuilder().setHeader(ok()).setBootstrapped(bootstrapped.get())
                    .build());
        }
    }

    @Override
    public void bootstrap(final BootstrapRequest req, final StreamObserver<BootstrapResponse> out) {
        if (!check(req.getHeader(), out)) {
            return;
        }
        if (!bootstrapped.compareAndSet(false, true)) {
            answer(out, BootstrapResponse.newBuilder().setHeader(error(ErrorType.ALREADY_BOOTSTRAPPED,
                    "cluster is already bootstrapped")).build());
            return;
        }
        stores.put(req.getStore().getId(), req.getStore());
        answer(out, BootstrapResponse.newBuilder().setHeader(ok()).build());
    }

    @Override
    public void putStore(final PutStoreRequest req, final StreamObserver<PutStoreResponse> out) {
        if (!check(req.getHeader(), out)) {
            return;
        }
        final Store old = stores.get(req.getStore().getId());
        if (old != null && old.getState() == StoreState.Tombstone) {
            answer(out, PutStoreResponse.newBuilder().setHeader(error(ErrorType.STORE_TOMBSTONE,
                    "store is tombstone")).build());
            return;
        }
        stores.put(req.getStore().getId(), req.getStore());
        answer(out, PutStoreResponse.newBuilder().setHeader(ok()).build());
    }

    @Override
    public void getStore(final GetStoreRequest req, final StreamObserver<GetStoreResponse> out) {
        if (!check(req.getHeader(), out)) {
            return;
        }
        final Store s = stores.get(req.getStoreId());
        if (s == null) {
            out.onError(Status.UNKNOWN.withDescription("invalid store ID " + req.getStoreId() + ", not found")
                    .asRuntimeException());
            return;
        }
        answer(out, GetStoreResponse.newBuilder().setHeader(ok()).setStore(s).build());
    }

    @Override
    public void askSplit(final AskSplitRequest req, final StreamObserver<AskSplitResponse> out) {
        if (!check(req.getHeader(), out)) {
            return;
        }
        final AskSplitResponse.Builder b = AskSplitResponse.newBuilder().setHeader(ok())
                .setNewRegionId(ids.incrementAndGet());
        for (int i = 0; i < req.getRegion().getPeersCount(); i++) {
            b.addNewPeerIds(ids.incrementAndGet());
        }
        answer(out, b.build());
    }

    @Override
    public void storeHeartbeat(final StoreHeartbeatRequest req, final StreamObserver<StoreHeartbeatResponse> out) {
        if (check(req.getHeader(), out)) {
            storeHeartbeats.add(req);
            answer(out, StoreHeartbeatResponse.newBuilder().setHeader(ok()).build());
        }
    }

    @Override
    public StreamObserver<RegionHeartbeatRequest> regionHeartbeat(
            final StreamObserver<RegionHeartbeatResponse> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(final RegionHeartbeatRequest req) {
                if (!check(req.getHeader(), out)) {
                    return;
                }
                regionHeartbeats.add(req);
                out.onNext(RegionHeartbeatResponse.newBuilder().setHeader(ok())
                        .setRegionId(req.getRegion().getId()).setRegionEpoch(req.getRegion().getRegionEpoch())
                        .setTargetPeer(req.getLeader()).setChangePeer(ChangePeer.newBuilder().setPeer(
                                Peer.newBuilder().setId(1000 + generation).setStoreId(9))).build());
            }

            @Override
            public void onError(final Throwable t) {
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
