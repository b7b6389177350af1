package org.tinykv.scheduler.server;

import org.tinykv.proto.schedulerpb.ErrorType;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.scheduler.status.SchedulerMetrics;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** Response headers and the cluster id check shared by the RPCs. Stateless. */
final class Headers {

    private Headers() {
    }

    static ResponseHeader ok(long clusterId) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).build();
    }

    static ResponseHeader error(long clusterId, ErrorType type, String message) {
        return ResponseHeader.newBuilder().setClusterId(clusterId)
                .setError(org.tinykv.proto.schedulerpb.Error.newBuilder().setType(type).setMessage(message))
                .build();
    }

    /**
     * Returns true if {@code h} names {@code clusterId}; otherwise fails {@code out} with FAILED_PRECONDITION (as
     * TinyKV's validateRequest does) and returns false.
     */
    static boolean checkClusterId(long clusterId, RequestHeader h, StreamObserver<?> out, SchedulerMetrics m) {
        if (h.getClusterId() == clusterId) {
            return true;
        }
        m.clusterIdMismatches.increment();
        out.onError(Status.FAILED_PRECONDITION.withDescription("mismatch cluster id, need "
                + Long.toUnsignedString(clusterId) + " but got " + Long.toUnsignedString(h.getClusterId()))
                .asRuntimeException());
        return false;
    }
}
