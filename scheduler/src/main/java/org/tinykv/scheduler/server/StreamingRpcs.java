package org.tinykv.scheduler.server;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.schedulerpb.ErrorType;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.Timestamp;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.InvalidRequestException;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.operator.OperatorController;
import org.tinykv.scheduler.status.SchedulerMetrics;
import org.tinykv.scheduler.tso.TimestampOracle;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The two bidirectional streams of the Scheduler service.
 *
 * <p>Tso: one response per request, carrying the request's count and the highest timestamp of the allocated range;
 * a cluster id mismatch fails the stream with FAILED_PRECONDITION, a bad count with UNKNOWN.
 *
 * <p>RegionHeartbeat: before bootstrap one NOT_BOOTSTRAPPED response, then the stream ends. Otherwise each report
 * binds the stream to the leader's store, updates the region (a stale or invalid report gets a response with header
 * error UNKNOWN on the stream of the leader's store) and dispatches the region's operator; responses are sparse and
 * asynchronous. An unknown leader store or a cluster id mismatch fails the stream. Thread-safe.
 */
public final class StreamingRpcs {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingRpcs.class);

    private final ClusterState cluster;
    private final TimestampOracle tso;
    private final OperatorController oc;
    private final HeartbeatStreams streams;
    private final SchedulerMetrics metrics;

    /** Creates the stream handlers. */
    public StreamingRpcs(ClusterState cluster, TimestampOracle tso, OperatorController oc, HeartbeatStreams streams,
            SchedulerMetrics metrics) {
        this.cluster = cluster;
        this.tso = tso;
        this.oc = oc;
        this.streams = streams;
        this.metrics = metrics;
    }

    /** Handles one Tso stream. */
    public StreamObserver<TsoRequest> tso(StreamObserver<TsoResponse> out) {
        return new StreamObserver<>() {
            private boolean failed;

            @Override
            public void onNext(TsoRequest req) {
                if (failed) {
                    return;
                }
                if (!Headers.checkClusterId(cluster.clusterId(), req.getHeader(), out, metrics)) {
                    failed = true;
                    return;
                }
                long ts;
                try {
                    ts = tso.allocate(req.getCount());
                } catch (IllegalArgumentException | IOException e) {
                    failed = true;
                    out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
                    return;
                }
                metrics.tsoRequests.increment();
                metrics.tsoTimestamps.add(req.getCount());
                out.onNext(TsoResponse.newBuilder().setHeader(Headers.ok(cluster.clusterId()))
                        .setCount(req.getCount()).setTimestamp(Timestamp.newBuilder()
                                .setPhysical(TimestampOracle.physical(ts)).setLogical(TimestampOracle.logical(ts)))
                        .build());
            }

            @Override
            public void onError(Throwable t) {
                failed = true;
            }

            @Override
            public void onCompleted() {
                if (!failed) {
                    out.onCompleted();
                }
            }
        };
    }

    /** Handles one RegionHeartbeat stream. */
    public StreamObserver<RegionHeartbeatRequest> regionHeartbeat(StreamObserver<RegionHeartbeatResponse> out) {
        HeartbeatStreams.Binding binding = new HeartbeatStreams.Binding(out);
        if (!cluster.isBootstrapped()) {
            binding.send(RegionHeartbeatResponse.newBuilder().setHeader(Headers.error(cluster.clusterId(),
                    ErrorType.NOT_BOOTSTRAPPED, "cluster is not bootstrapped")).build());
            binding.complete();
            return new DrainingObserver<>();
        }
        return new StreamObserver<>() {
            private boolean failed;
            private long boundStore;

            @Override
            public void onNext(RegionHeartbeatRequest req) {
                if (failed) {
                    return;
                }
                if (req.getHeader().getClusterId() != cluster.clusterId()) {
                    metrics.clusterIdMismatches.increment();
                    fail(Status.FAILED_PRECONDITION.withDescription("mismatch cluster id, need "
                            + Long.toUnsignedString(cluster.clusterId()) + " but got "
                            + Long.toUnsignedString(req.getHeader().getClusterId())));
                    return;
                }
                metrics.regionHeartbeats.increment();
                if (!req.hasLeader()) {
                    LOG.warn("region heartbeat without leader, region={}", req.getRegion().getId());
                    return;
                }
                long storeId = req.getLeader().getStoreId();
                if (cluster.store(storeId) == null) {
                    fail(Status.UNKNOWN.withDescription("invalid store ID " + storeId + ", not found"));
                    return;
                }
                if (storeId != boundStore) {
                    streams.bind(storeId, binding);
                    boundStore = storeId;
                }
                RegionInfo region = RegionInfo.fromHeartbeat(req);
                try {
                    cluster.handleRegionHeartbeat(region);
                } catch (InvalidRequestException | IOException e) {
                    metrics.regionHeartbeatErrors.increment();
                    LOG.debug("region heartbeat refused: {}", e.getMessage());
                    streams.send(storeId, RegionHeartbeatResponse.newBuilder().setHeader(Headers.error(
                            cluster.clusterId(), ErrorType.UNKNOWN, String.valueOf(e.getMessage()))).build());
                    return;
                }
                oc.dispatch(region);
            }

            private void fail(Status status) {
                failed = true;
                streams.unbind(binding);
                binding.fail(status);
            }

            @Override
            public void onError(Throwable t) {
                failed = true;
                streams.unbind(binding);
                binding.close();
            }

            @Override
            public void onCompleted() {
                failed = true;
                streams.unbind(binding);
                binding.complete();
            }
        };
    }

    /** Ignores whatever a client still sends on a stream the server has already ended. */
    private static final class DrainingObserver<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
