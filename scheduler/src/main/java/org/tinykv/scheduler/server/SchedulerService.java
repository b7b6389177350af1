package org.tinykv.scheduler.server;

import java.io.IOException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.schedulerpb.AllocIDRequest;
import org.tinykv.proto.schedulerpb.AllocIDResponse;
import org.tinykv.proto.schedulerpb.AskSplitRequest;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.BootstrapRequest;
import org.tinykv.proto.schedulerpb.BootstrapResponse;
import org.tinykv.proto.schedulerpb.ErrorType;
import org.tinykv.proto.schedulerpb.GetAllStoresRequest;
import org.tinykv.proto.schedulerpb.GetAllStoresResponse;
import org.tinykv.proto.schedulerpb.GetClusterConfigRequest;
import org.tinykv.proto.schedulerpb.GetClusterConfigResponse;
import org.tinykv.proto.schedulerpb.GetGCSafePointRequest;
import org.tinykv.proto.schedulerpb.GetGCSafePointResponse;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.GetMembersResponse;
import org.tinykv.proto.schedulerpb.GetOperatorRequest;
import org.tinykv.proto.schedulerpb.GetOperatorResponse;
import org.tinykv.proto.schedulerpb.GetRegionByIDRequest;
import org.tinykv.proto.schedulerpb.GetRegionRequest;
import org.tinykv.proto.schedulerpb.GetRegionResponse;
import org.tinykv.proto.schedulerpb.GetStoreRequest;
import org.tinykv.proto.schedulerpb.GetStoreResponse;
import org.tinykv.proto.schedulerpb.IsBootstrappedRequest;
import org.tinykv.proto.schedulerpb.IsBootstrappedResponse;
import org.tinykv.proto.schedulerpb.Member;
import org.tinykv.proto.schedulerpb.PutClusterConfigRequest;
import org.tinykv.proto.schedulerpb.PutClusterConfigResponse;
import org.tinykv.proto.schedulerpb.PutStoreRequest;
import org.tinykv.proto.schedulerpb.PutStoreResponse;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.ReportSplitRequest;
import org.tinykv.proto.schedulerpb.ReportSplitResponse;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.proto.schedulerpb.ScanRegionsRequest;
import org.tinykv.proto.schedulerpb.ScanRegionsResponse;
import org.tinykv.proto.schedulerpb.ScatterRegionRequest;
import org.tinykv.proto.schedulerpb.ScatterRegionResponse;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;
import org.tinykv.proto.schedulerpb.StoreHeartbeatResponse;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;
import org.tinykv.proto.schedulerpb.UpdateGCSafePointRequest;
import org.tinykv.proto.schedulerpb.UpdateGCSafePointResponse;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.InvalidRequestException;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.cluster.StoreInfo;
import org.tinykv.scheduler.id.IdAllocator;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.OperatorController;
import org.tinykv.scheduler.status.SchedulerMetrics;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The schedulerpb.Scheduler service, answering as TinyKV's scheduler does (its grpc_service.go): every RPC but
 * GetMembers and Tso checks the header's cluster id (mismatch: gRPC FAILED_PRECONDITION; Tso checks it per request
 * too); data RPCs before bootstrap answer the header error NOT_BOOTSTRAPPED; refused requests answer gRPC UNKNOWN
 * with a message, or the header errors ALREADY_BOOTSTRAPPED, STORE_TOMBSTONE and REGION_NOT_FOUND where TinyKV
 * does. The streaming RPCs are in {@link StreamingRpcs}. Thread-safe (stateless over thread-safe parts).
 */
public final class SchedulerService extends SchedulerGrpc.SchedulerImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerService.class);

    private final ClusterState cluster;
    private final IdAllocator ids;
    private final OperatorController oc;
    private final SchedulerMetrics metrics;
    private final Supplier<Member> member;
    private final int bootstrapReplicas;
    private final StreamingRpcs streaming;

    /** Creates the service; {@code member} gives what GetMembers reports as the (only, leading) member. */
    public SchedulerService(ClusterState cluster, StreamingRpcs streaming, IdAllocator ids, OperatorController oc,
            SchedulerMetrics metrics, Supplier<Member> member, int bootstrapReplicas) {
        this.cluster = cluster;
        this.streaming = streaming;
        this.ids = ids;
        this.oc = oc;
        this.metrics = metrics;
        this.member = member;
        this.bootstrapReplicas = bootstrapReplicas;
    }

    @FunctionalInterface
    private interface Handler<T> {
        T handle() throws IOException, InvalidRequestException;
    }

    private <T> void reply(RequestHeader h, StreamObserver<T> out, Handler<T> handler) {
        if (!Headers.checkClusterId(cluster.clusterId(), h, out, metrics)) {
            return;
        }
        T resp;
        try {
            resp = handler.handle();
        } catch (InvalidRequestException e) {
            out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IOException e) {
            LOG.error("storage error: {}", e.toString());
            out.onError(Status.UNKNOWN.withDescription("storage error: " + e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            LOG.error("internal error", e);
            out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            return;
        }
        out.onNext(resp);
        out.onCompleted();
    }

    private ResponseHeader ok() {
        return Headers.ok(cluster.clusterId());
    }

    private ResponseHeader notBootstrapped() {
        return Headers.error(cluster.clusterId(), ErrorType.NOT_BOOTSTRAPPED, "cluster is not bootstrapped");
    }

    @Override
    public void getMembers(GetMembersRequest req, StreamObserver<GetMembersResponse> out) {
        Member m = member.get();
        if (m == null) {
            out.onError(Status.UNAVAILABLE.withDescription("scheduler is starting").asRuntimeException());
            return;
        }
        out.onNext(GetMembersResponse.newBuilder().setHeader(ok()).addMembers(m).setLeader(m).setEtcdLeader(m)
                .build());
        out.onCompleted();
    }

    @Override
    public StreamObserver<TsoRequest> tso(StreamObserver<TsoResponse> out) {
        return streaming.tso(out);
    }

    @Override
    public StreamObserver<RegionHeartbeatRequest> regionHeartbeat(StreamObserver<RegionHeartbeatResponse> out) {
        return streaming.regionHeartbeat(out);
    }

    @Override
    public void bootstrap(BootstrapRequest req, StreamObserver<BootstrapResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.bootstrap(req.getStore(), bootstrapReplicas)) {
                return BootstrapResponse.newBuilder().setHeader(Headers.error(cluster.clusterId(),
                        ErrorType.ALREADY_BOOTSTRAPPED, "cluster is already bootstrapped")).build();
            }
            return BootstrapResponse.newBuilder().setHeader(ok()).build();
        });
    }

    @Override
    public void isBootstrapped(IsBootstrappedRequest req, StreamObserver<IsBootstrappedResponse> out) {
        reply(req.getHeader(), out, () -> IsBootstrappedResponse.newBuilder().setHeader(ok())
                .setBootstrapped(cluster.isBootstrapped()).build());
    }

    @Override
    public void allocID(AllocIDRequest req, StreamObserver<AllocIDResponse> out) {
        reply(req.getHeader(), out, () -> {
            long id = ids.alloc();
            metrics.idsAllocated.increment();
            return AllocIDResponse.newBuilder().setHeader(ok()).setId(id).build();
        });
    }

    @Override
    public void getStore(GetStoreRequest req, StreamObserver<GetStoreResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return GetStoreResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            StoreInfo s = cluster.store(req.getStoreId());
            if (s == null) {
                throw new InvalidRequestException(InvalidRequestException.Kind.NOT_FOUND,
                        "invalid store ID " + req.getStoreId() + ", not found");
            }
            return GetStoreResponse.newBuilder().setHeader(ok()).setStore(s.meta()).setStats(s.stats()).build();
        });
    }

    @Override
    public void putStore(PutStoreRequest req, StreamObserver<PutStoreResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return PutStoreResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            try {
                cluster.putStore(req.getStore());
            } catch (InvalidRequestException e) {
                if (e.kind() != InvalidRequestException.Kind.TOMBSTONE) {
                    throw e;
                }
                return PutStoreResponse.newBuilder().setHeader(tombstone()).build();
            }
            return PutStoreResponse.newBuilder().setHeader(ok()).build();
        });
    }

    private ResponseHeader tombstone() {
        return Headers.error(cluster.clusterId(), ErrorType.STORE_TOMBSTONE, "store is tombstone");
    }

    @Override
    public void getAllStores(GetAllStoresRequest req, StreamObserver<GetAllStoresResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return GetAllStoresResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            GetAllStoresResponse.Builder b = GetAllStoresResponse.newBuilder().setHeader(ok());
            for (StoreInfo s : cluster.stores()) {
                if (!req.getExcludeTombstoneStores() || s.meta().getState() != StoreState.Tombstone) {
                    b.addStores(s.meta());
                }
            }
            return b.build();
        });
    }

    @Override
    public void storeHeartbeat(StoreHeartbeatRequest req, StreamObserver<StoreHeartbeatResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!req.hasStats()) {
                throw new InvalidRequestException(InvalidRequestException.Kind.INVALID,
                        "invalid store heartbeat command: no stats");
            }
            if (!cluster.isBootstrapped()) {
                return StoreHeartbeatResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            metrics.storeHeartbeats.increment();
            try {
                cluster.storeHeartbeat(req.getStats());
            } catch (InvalidRequestException e) {
                if (e.kind() != InvalidRequestException.Kind.TOMBSTONE) {
                    throw e;
                }
                return StoreHeartbeatResponse.newBuilder().setHeader(tombstone()).build();
            }
            return StoreHeartbeatResponse.newBuilder().setHeader(ok()).build();
        });
    }

    @Override
    public void getRegion(GetRegionRequest req, StreamObserver<GetRegionResponse> out) {
        reply(req.getHeader(), out, () -> regionResponse(cluster.regionByKey(req.getRegionKey())));
    }

    @Override
    public void getPrevRegion(GetRegionRequest req, StreamObserver<GetRegionResponse> out) {
        reply(req.getHeader(), out, () -> regionResponse(cluster.prevRegion(req.getRegionKey())));
    }

    @Override
    public void getRegionByID(GetRegionByIDRequest req, StreamObserver<GetRegionResponse> out) {
        reply(req.getHeader(), out, () -> regionResponse(cluster.region(req.getRegionId())));
    }

    private GetRegionResponse regionResponse(RegionInfo r) {
        if (!cluster.isBootstrapped()) {
            return GetRegionResponse.newBuilder().setHeader(notBootstrapped()).build();
        }
        GetRegionResponse.Builder b = GetRegionResponse.newBuilder().setHeader(ok());
        if (r != null) {
            b.setRegion(r.meta());
            if (r.leader() != null) {
                b.setLeader(r.leader());
                b.addAllSlaves(r.followers());
            }
        }
        return b.build();
    }

    @Override
    public void scanRegions(ScanRegionsRequest req, StreamObserver<ScanRegionsResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return ScanRegionsResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            ScanRegionsResponse.Builder b = ScanRegionsResponse.newBuilder().setHeader(ok());
            for (RegionInfo r : cluster.scanRegions(req.getStartKey(), req.getEndKey(), req.getLimit())) {
                b.addRegions(r.meta());
                b.addLeaders(r.leader() == null ? Peer.getDefaultInstance() : r.leader());
            }
            return b.build();
        });
    }

    @Override
    public void askSplit(AskSplitRequest req, StreamObserver<AskSplitResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return AskSplitResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            if (!req.hasRegion()) {
                throw new InvalidRequestException(InvalidRequestException.Kind.INVALID, "missing region for split");
            }
            cluster.validateSplitRegion(req.getRegion());
            AskSplitResponse.Builder b = AskSplitResponse.newBuilder().setHeader(ok()).setNewRegionId(ids.alloc());
            for (int i = 0; i < req.getRegion().getPeersCount(); i++) {
                b.addNewPeerIds(ids.alloc());
            }
            metrics.idsAllocated.add(1 + req.getRegion().getPeersCount());
            LOG.info("ask split region={} newRegion={}", req.getRegion().getId(), b.getNewRegionId());
            return b.build();
        });
    }

    @Override
    public void reportSplit(ReportSplitRequest req, StreamObserver<ReportSplitResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return ReportSplitResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            Region left = req.getLeft();
            Region right = req.getRight();
            if (left.getId() == 0 || right.getId() == 0 || !left.getEndKey().equals(right.getStartKey())
                    || left.getEndKey().isEmpty()) {
                throw new InvalidRequestException(InvalidRequestException.Kind.INVALID,
                        "invalid report split: left " + left.getId() + " and right " + right.getId()
                                + " are not adjacent halves");
            }
            LOG.info("report split left={} right={}", left.getId(), right.getId());
            return ReportSplitResponse.newBuilder().setHeader(ok()).build();
        });
    }

    @Override
    public void getClusterConfig(GetClusterConfigRequest req, StreamObserver<GetClusterConfigResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return GetClusterConfigResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            return GetClusterConfigResponse.newBuilder().setHeader(ok()).setCluster(cluster.config()).build();
        });
    }

    @Override
    public void putClusterConfig(PutClusterConfigRequest req, StreamObserver<PutClusterConfigResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return PutClusterConfigResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            cluster.putConfig(req.getCluster());
            return PutClusterConfigResponse.newBuilder().setHeader(ok()).build();
        });
    }

    @Override
    public void scatterRegion(ScatterRegionRequest req, StreamObserver<ScatterRegionResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return ScatterRegionResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            if (cluster.region(req.getRegionId()) == null && !req.hasRegion()) {
                throw new InvalidRequestException(InvalidRequestException.Kind.NOT_FOUND,
                        "region " + req.getRegionId() + " not found");
            }
            return ScatterRegionResponse.newBuilder().setHeader(ok()).build();
        });
    }

    @Override
    public void getGCSafePoint(GetGCSafePointRequest req, StreamObserver<GetGCSafePointResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return GetGCSafePointResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            return GetGCSafePointResponse.newBuilder().setHeader(ok()).setSafePoint(cluster.gcSafePoint()).build();
        });
    }

    @Override
    public void updateGCSafePoint(UpdateGCSafePointRequest req, StreamObserver<UpdateGCSafePointResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return UpdateGCSafePointResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            long sp = cluster.updateGcSafePoint(req.getSafePoint());
            return UpdateGCSafePointResponse.newBuilder().setHeader(ok()).setNewSafePoint(sp).build();
        });
    }

    @Override
    public void getOperator(GetOperatorRequest req, StreamObserver<GetOperatorResponse> out) {
        reply(req.getHeader(), out, () -> {
            if (!cluster.isBootstrapped()) {
                return GetOperatorResponse.newBuilder().setHeader(notBootstrapped()).build();
            }
            Operator op = oc.operatorOf(req.getRegionId());
            if (op == null) {
                return GetOperatorResponse.newBuilder().setHeader(Headers.error(cluster.clusterId(),
                        ErrorType.REGION_NOT_FOUND, "Not Found")).build();
            }
            return GetOperatorResponse.newBuilder().setHeader(ok()).setRegionId(req.getRegionId())
                    .setDesc(com.google.protobuf.ByteString.copyFromUtf8(op.desc()))
                    .setKind(com.google.protobuf.ByteString.copyFromUtf8(op.kind().label()))
                    .setStatus(op.state().wire()).build();
        });
    }
}
