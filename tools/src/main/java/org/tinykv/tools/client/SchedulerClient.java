package org.tinykv.tools.client;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.GetRegionRequest;
import org.tinykv.proto.schedulerpb.GetRegionResponse;
import org.tinykv.proto.schedulerpb.GetStoreRequest;
import org.tinykv.proto.schedulerpb.GetStoreResponse;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.SchedulerGrpc.SchedulerBlockingStub;

/**
 * The scheduler RPCs a region-routing client needs: {@code GetMembers} (the cluster id, fetched on first use and
 * sent in every later header), {@code GetRegion} and {@code GetStore}. Talks to one
 * scheduler address (no leader redirection: tinyscheduler-server is a single member). Thread-safe.
 *
 * <p>Every failure (gRPC status, a header error such as NOT_BOOTSTRAPPED, no region for the key yet, an unknown
 * or tombstone store) is a {@link RouteException}: the caller backs off and asks again.
 */
public final class SchedulerClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final SchedulerBlockingStub stub;
    private final Duration timeout;
    private volatile RequestHeader header;

    /** Talks over {@code channel} (closed by {@link #close()}), each RPC bounded by {@code timeout}. */
    public SchedulerClient(final ManagedChannel channel, final Duration timeout) {
        this.channel = channel;
        this.stub = SchedulerGrpc.newBlockingStub(channel);
        this.timeout = timeout;
    }

    /** Opens a plaintext channel to the scheduler at {@code target} (HOST:PORT). */
    public static SchedulerClient connect(final String target, final Duration timeout) {
        return new SchedulerClient(NettyChannelBuilder.forTarget(target).usePlaintext().build(), timeout);
    }

    private SchedulerBlockingStub stub() {
        return stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The request header with the cluster id, asking {@code GetMembers} the first time. */
    RequestHeader header() {
        RequestHeader h = header;
        if (h == null) {
            try {
                final long id = stub().getMembers(GetMembersRequest.getDefaultInstance()).getHeader().getClusterId();
                h = RequestHeader.newBuilder().setClusterId(id).build();
            } catch (StatusRuntimeException e) {
                throw new RouteException(RegionErrorKind.TRANSPORT, "scheduler GetMembers: " + e.getStatus());
            }
            header = h;
        }
        return h;
    }

    /** The region holding {@code key} (in the store's key space) and its leader if the scheduler knows one. */
    GetRegionResponse region(final byte[] key) {
        final GetRegionResponse r;
        try {
            r = stub().getRegion(GetRegionRequest.newBuilder().setHeader(header())
                .setRegionKey(UnsafeByteOperations.unsafeWrap(key)).build());
        } catch (StatusRuntimeException e) {
            throw new RouteException(RegionErrorKind.TRANSPORT, "scheduler GetRegion: " + e.getStatus());
        }
        return checkRegion(r.getHeader(), r, "GetRegion");
    }

    private static GetRegionResponse checkRegion(final ResponseHeader h, final GetRegionResponse r,
                                                 final String op) {
        checkHeader(h, op);
        if (!r.hasRegion() || r.getRegion().getPeersCount() == 0) {
            throw new RouteException(RegionErrorKind.REGION_MISS, "scheduler " + op + ": no region yet");
        }
        return r;
    }

    /** The address of store {@code storeId}; a tombstone or unknown store is a {@link RouteException}. */
    String storeAddress(final long storeId) {
        final GetStoreResponse r;
        try {
            r = stub().getStore(GetStoreRequest.newBuilder().setHeader(header()).setStoreId(storeId).build());
        } catch (StatusRuntimeException e) {
            throw new RouteException(RegionErrorKind.TRANSPORT, "scheduler GetStore(" + storeId + "): "
                + e.getStatus());
        }
        checkHeader(r.getHeader(), "GetStore");
        final Store store = r.getStore();
        if (!r.hasStore() || store.getAddress().isEmpty()) {
            throw new RouteException(RegionErrorKind.REGION_MISS, "scheduler GetStore: store " + storeId
                + " unknown");
        }
        if (store.getState() == StoreState.Tombstone) {
            throw new RouteException(RegionErrorKind.REGION_MISS, "store " + storeId + " is a tombstone");
        }
        return store.getAddress();
    }

    private static void checkHeader(final ResponseHeader h, final String op) {
        if (h.hasError() && h.getError().getTypeValue() != 0) {
            throw new RouteException(RegionErrorKind.REGION_MISS, "scheduler " + op + ": "
                + h.getError().getType() + " " + h.getError().getMessage());
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
