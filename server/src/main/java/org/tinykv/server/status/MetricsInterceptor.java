package org.tinykv.server.status;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A server interceptor that records every call's method, final status code and latency in {@link GrpcMetrics}.
 * Calls that the transport ends by itself without closing the call (a cancelled call, an oversized message that
 * gRPC rejects while decoding) are not counted.
 */
public final class MetricsInterceptor implements ServerInterceptor {

    private final GrpcMetrics metrics;
    private final LongSupplier nanoClock;
    private final AtomicInteger inFlightUnary = new AtomicInteger();

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

    /** Unary calls started and not yet closed or cancelled: what a graceful shutdown waits for. */
    public int inFlightUnaryCalls() {
        return inFlightUnary.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(final ServerCall<Q, R> call, final Metadata headers,
                                                       final ServerCallHandler<Q, R> next) {
        final long start = nanoClock.getAsLong();
        final String method = call.getMethodDescriptor().getFullMethodName();
        final boolean unary = call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY;
        final AtomicBoolean open = new AtomicBoolean(unary);
        if (unary) {
            inFlightUnary.incrementAndGet();
        }
        final ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(final Status status, final Metadata trailers) {
                metrics.record(method, status.getCode().name(), nanoClock.getAsLong() - start);
                if (open.compareAndSet(true, false)) {
                    inFlightUnary.decrementAndGet();
                }
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onCancel() {
                if (open.compareAndSet(true, false)) {
                    inFlightUnary.decrementAndGet();
                }
                super.onCancel();
            }
        };
    }
}
