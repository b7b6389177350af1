package org.tinykv.tools.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * Unary gRPC calls as futures, for load generators that keep no thread per request: the future completes where the
 * channel delivers callbacks (the transport thread for the benches' direct-executor channels), so continuations
 * must not block.
 */
public final class UnaryCalls {

    private UnaryCalls() {
    }

    /** Sends {@code request} to {@code method} over {@code channel} with {@code options} (e.g. a deadline). */
    public static <Q, R> CompletableFuture<R> call(final Channel channel, final CallOptions options,
                                                   final MethodDescriptor<Q, R> method, final Q request) {
        final CompletableFuture<R> done = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(channel.newCall(method, options), request, new StreamObserver<R>() {
            @Override
            public void onNext(final R response) {
                done.complete(response);
            }

            @Override
            public void onError(final Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                if (!done.isDone()) {
                    done.completeExceptionally(new IllegalStateException(method.getFullMethodName()
                        + " ended without a response"));
                }
            }
        });
        return done;
    }
}
