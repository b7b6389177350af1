package org.tinykv.server.status;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.LongSupplier;

/**
 * A server interceptor that records every call's method, final status code and latency in {@link GrpcMetrics}.
 * Calls that the transport ends by itself without closing the call (a cancelled call, an oversized message that
 * gRPC rejects while decoding) are not counted.
 */
public final class MetricsInterceptor implements ServerInterceptor {

    private final GrpcMetrics metrics;
    private final LongSupplier nanoClock;

    /**
     * Creates the interceptor.
     *
     * @param metrics   where to record
     * @param nanoClock a monotonic clock in nanoseconds (normally {@code System::nanoTime})
     */
    public MetricsInterceptor(final GrpcMetrics metrics, final LongSupplier nanoClock) {
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(final ServerCall<Q, R> call, final Metadata headers,
                                                       final ServerCallHandler<Q, R> next) {
        final long start = nanoClock.getAsLong();
        final String method = call.getMethodDescriptor().getFullMethodName();
        final ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(final Status status, final Metadata trailers) {
                metrics.record(method, status.getCode().name(), nanoClock.getAsLong() - start);
                super.close(status, trailers);
            }
        };
        return next.startCall(timed, headers);
    }
}
