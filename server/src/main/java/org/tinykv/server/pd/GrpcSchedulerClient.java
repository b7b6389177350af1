package org.tinykv.server.pd;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.AllocIDRequest;
import org.tinykv.proto.schedulerpb.AskSplitRequest;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.BootstrapRequest;
import org.tinykv.proto.schedulerpb.ErrorType;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.GetMembersResponse;
import org.tinykv.proto.schedulerpb.GetRegionByIDRequest;
import org.tinykv.proto.schedulerpb.GetRegionResponse;
import org.tinykv.proto.schedulerpb.GetStoreRequest;
import org.tinykv.proto.schedulerpb.GetStoreResponse;
import org.tinykv.proto.schedulerpb.IsBootstrappedRequest;
import org.tinykv.proto.schedulerpb.PutStoreRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;
import org.tinykv.proto.schedulerpb.StoreHeartbeatResponse;

/**
 * A {@link SchedulerClient} over {@code schedulerpb.Scheduler} (one scheduler address; TinyKV's scheduler is a
 * single member). {@link #connect} first calls GetMembers to learn the cluster id; every request then carries
 * {@code RequestHeader{cluster_id}}. Unary calls have a deadline: a scheduler that is down or hung gives an
 * {@link IOException} within the deadline (at once if the connection is refused), never a hang; a gRPC error becomes
 * an IOException naming the status, a response header error a {@link SchedulerErrorException} with the scheduler's
 * message. After a failed connection the channel's connect backoff is reset, so the next call reconnects as soon as
 * the scheduler is back. Store heartbeats are asynchronous unary calls whose failures are only counted; region
 * heartbeats go over one long-lived bidi stream (see {@link RegionHeartbeatStream}) and the scheduler's operators
 * (responses without header error) reach the listener on a gRPC thread.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class GrpcSchedulerClient implements SchedulerClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcSchedulerClient.class);

    private final ManagedChannel channel;
    private final long clusterId;
    private final RequestHeader header;
    private final long timeoutNanos;
    private final SchedulerGrpc.SchedulerBlockingStub blocking;
    private final SchedulerGrpc.SchedulerStub async;
    private final RegionHeartbeatStream heartbeats;
    private final AtomicLong rpcFailures = new AtomicLong();
    private final AtomicLong storeHeartbeatsSent = new AtomicLong();
    private final AtomicLong storeHeartbeatFailures = new AtomicLong();

    private GrpcSchedulerClient(final ManagedChannel channel, final long clusterId,
                                final SchedulerClientOptions opts) {
        this.channel = channel;
        this.clusterId = clusterId;
        this.header = RequestHeader.newBuilder().setClusterId(clusterId).build();
        this.timeoutNanos = opts.rpcTimeout().toNanos();
        this.blocking = SchedulerGrpc.newBlockingStub(channel);
        this.async = SchedulerGrpc.newStub(channel);
        this.heartbeats = new RegionHeartbeatStream(async, channel::resetConnectBackoff, opts, System::nanoTime);
    }

    /**
     * Connects with {@link SchedulerClientOptions#defaults} around the unary deadline {@code rpcTimeout}; see
     * {@link #connect(String, SchedulerClientOptions)}.
     */
    public static GrpcSchedulerClient connect(final String hostPort, final Duration rpcTimeout) throws IOException {
        return connect(hostPort, SchedulerClientOptions.defaults(rpcTimeout));
    }

    /**
     * Connects to the scheduler at {@code hostPort} ({@code host:port}, an {@code http://} prefix is ignored) and
     * asks GetMembers for the cluster id.
     *
     * @throws IOException if the scheduler cannot be reached within the deadline or reports cluster id 0
     */
    public static GrpcSchedulerClient connect(final String hostPort, final SchedulerClientOptions opts)
            throws IOException {
        final ManagedChannel ch = channel(hostPort);
        try {
            final GetMembersResponse m = SchedulerGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(opts.rpcTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .getMembers(GetMembersRequest.getDefaultInstance());
            if (m.getHeader().hasError() && m.getHeader().getError().getType() != ErrorType.OK) {
                throw new SchedulerErrorException("GetMembers", m.getHeader().getError().getType(),
                        m.getHeader().getError().getMessage());
            }
            final long id = m.getHeader().getClusterId();
            if (id == 0) {
                throw new IOException("scheduler " + hostPort + " reported cluster id 0");
            }
            LOG.info("event=scheduler_connected address={} cluster_id={} leader={}", hostPort,
                    Long.toUnsignedString(id), m.getLeader().getClientUrlsList());
            return new GrpcSchedulerClient(ch, id, opts);
        } catch (final StatusRuntimeException e) {
            ch.shutdownNow();
            throw new IOException("scheduler " + hostPort + " GetMembers failed: " + describe(e.getStatus()), e);
        } catch (final IOException | RuntimeException e) {
            ch.shutdownNow();
            throw e;
        }
    }

    /**
     * A client of the scheduler at {@code hostPort} for a store that already knows its cluster id (from its own
     * disk) and must start while the scheduler is unreachable: no call is made now; every later call connects (or
     * fails) on its own, and the heartbeat stream keeps retrying.
     */
    public static GrpcSchedulerClient withClusterId(final String hostPort, final SchedulerClientOptions opts,
                                                    final long clusterId) {
        return new GrpcSchedulerClient(channel(hostPort), clusterId, opts);
    }

    /** The cluster id (learned from GetMembers, or given). */
    public long clusterId() {
        return clusterId;
    }

    private static ManagedChannel channel(final String hostPort) {
        final String target = hostPort.startsWith("http://") ? hostPort.substring("http://".length()) : hostPort;
        final int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("scheduler address must be host:port: " + hostPort);
        }
        final int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("bad scheduler port in " + hostPort, e);
        }
        return NettyChannelBuilder.forAddress(target.substring(0, colon), port).usePlaintext().build();
    }

    private static String describe(final Status s) {
        return s.getDescription() == null ? s.getCode().toString() : s.getCode() + " " + s.getDescription();
    }

    private <T> T unary(final String rpc, final Function<SchedulerGrpc.SchedulerBlockingStub, T> call,
                        final Function<T, ResponseHeader> headerOf) throws IOException {
        final T resp;
        try {
            resp = call.apply(blocking.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
        } catch (final StatusRuntimeException e) {
            throw failure(rpc, e.getStatus(), e);
        }
        final ResponseHeader h = headerOf.apply(resp);
        if (h.hasError() && h.getError().getType() != ErrorType.OK) {
            throw new SchedulerErrorException(rpc, h.getError().getType(), h.getError().getMessage());
        }
        if (h.getClusterId() != 0 && h.getClusterId() != clusterId) {
            throw new IOException("scheduler " + rpc + ": answered by cluster " + Long.toUnsignedString(
                    h.getClusterId()) + ", expected " + Long.toUnsignedString(clusterId));
        }
        return resp;
    }

    private IOException failure(final String rpc, final Status status, final Throwable cause) {
        rpcFailures.incrementAndGet();
        if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            channel.resetConnectBackoff();
        }
        return new IOException("scheduler " + rpc + " failed: " + describe(status), cause);
    }

    @Override
    public long allocId() throws IOException {
        return unary("AllocID", s -> s.allocID(AllocIDRequest.newBuilder().setHeader(header).build()),
                r -> r.getHeader()).getId();
    }

    @Override
    public void putStore(final Store store) throws IOException {
        unary("PutStore", s -> s.putStore(PutStoreRequest.newBuilder().setHeader(header).setStore(store).build()),
                r -> r.getHeader());
    }

    /**
     * The scheduler's meta of store {@code id}, or null if the scheduler knows no such store (it answers gRPC
     * UNKNOWN "... not found" for that).
     *
     * @throws IOException on any other failure
     */
    @Override
    public Store getStore(final long id) throws IOException {
        final GetStoreResponse r;
        try {
            r = unary("GetStore", s -> s.getStore(GetStoreRequest.newBuilder().setHeader(header).setStoreId(id)
                    .build()), GetStoreResponse::getHeader);
        } catch (final IOException e) {
            if (e.getCause() instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.UNKNOWN
                    && String.valueOf(sre.getStatus().getDescription()).contains("not found")) {
                return null;
            }
            throw e;
        }
        if (!r.hasStore()) {
            throw new IOException("scheduler GetStore: no store " + id + " in the answer");
        }
        return r.getStore();
    }

    @Override
    public Region getRegionById(final long regionId) throws IOException {
        final GetRegionResponse r = unary("GetRegionByID", s -> s.getRegionByID(GetRegionByIDRequest.newBuilder()
                .setHeader(header).setRegionId(regionId).build()), GetRegionResponse::getHeader);
        return r.hasRegion() ? r.getRegion() : null;
    }

    @Override
    public boolean isBootstrapped() throws IOException {
        return unary("IsBootstrapped", s -> s.isBootstrapped(IsBootstrappedRequest.newBuilder().setHeader(header)
                .build()), r -> r.getHeader()).getBootstrapped();
    }

    /**
     * Bootstraps the cluster with {@code store}. {@code BootstrapRequest} carries only the store (TinyKV's
     * proto): the scheduler learns {@code firstRegion} from its leader's first region heartbeat.
     *
     * @throws SchedulerErrorException with {@link ErrorType#ALREADY_BOOTSTRAPPED} if another store won
     */
    @Override
    public void bootstrap(final Store store, final Region firstRegion) throws IOException {
        unary("Bootstrap", s -> s.bootstrap(BootstrapRequest.newBuilder().setHeader(header).setStore(store).build()),
                r -> r.getHeader());
    }

    @Override
    public AskSplitResponse askSplit(final Region region) throws IOException {
        final AskSplitResponse r = unary("AskSplit", s -> s.askSplit(AskSplitRequest.newBuilder().setHeader(header)
                .setRegion(region).build()), AskSplitResponse::getHeader);
        if (r.getNewPeerIdsCount() != region.getPeersCount()) {
            throw new IOException("scheduler AskSplit: " + r.getNewPeerIdsCount() + " new peer ids for "
                    + region.getPeersCount() + " peers");
        }
        return r;
    }

    @Override
    public void regionHeartbeat(final RegionHeartbeatRequest request) {
        heartbeats.offer(request.toBuilder().setHeader(header).build());
    }

    @Override
    public void storeHeartbeat(final StoreHeartbeatRequest request) {
        storeHeartbeatsSent.incrementAndGet();
        async.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS).storeHeartbeat(
                request.toBuilder().setHeader(header).build(), new StreamObserver<StoreHeartbeatResponse>() {
                    @Override
                    public void onNext(final StoreHeartbeatResponse r) {
                        if (r.getHeader().hasError() && r.getHeader().getError().getType() != ErrorType.OK) {
                            storeHeartbeatFailures.incrementAndGet();
                            LOG.warn("event=store_heartbeat_refused type={} message=\"{}\"",
                                    r.getHeader().getError().getType(), r.getHeader().getError().getMessage());
                        }
                    }

                    @Override
                    public void onError(final Throwable t) {
                        storeHeartbeatFailures.incrementAndGet();
                        final IOException e = failure("StoreHeartbeat", Status.fromThrowable(t), t);
                        LOG.debug("event=store_heartbeat_failed error=\"{}\"", e.getMessage());
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    @Override
    public void setOperatorListener(final Consumer<RegionHeartbeatResponse> listener) {
        heartbeats.setListener(listener);
    }

    /** Unary calls that failed at the gRPC level (down, deadline, refused), store heartbeats included. */
    public long rpcFailures() {
        return rpcFailures.get();
    }

    /** Store heartbeats sent. */
    public long storeHeartbeatsSent() {
        return storeHeartbeatsSent.get();
    }

    /** Store heartbeats that failed or were refused. */
    public long storeHeartbeatFailures() {
        return storeHeartbeatFailures.get();
    }

    /** Region heartbeats written to the stream. */
    public long regionHeartbeatsSent() {
        return heartbeats.sent();
    }

    /** Region heartbeats dropped (queue full while the stream was slow or broken, or after close). */
    public long regionHeartbeatsDropped() {
        return heartbeats.dropped();
    }

    /** Region heartbeat streams opened (1 + reconnects). */
    public long regionHeartbeatStreamsOpened() {
        return heartbeats.streamsOpened();
    }

    /** Region heartbeat responses received (operators and header errors). */
    public long regionHeartbeatResponses() {
        return heartbeats.responses();
    }

    /** Stops the heartbeat stream and closes the channel (calls in flight fail). */
    @Override
    public void close() {
        heartbeats.close();
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
