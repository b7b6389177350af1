package org.tinykv.tools.bench.txn;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;
import org.tinykv.txn.types.TimeStamp;

/**
 * Timestamps from a tinyscheduler-server (or TinyKV's scheduler): learns the cluster id with {@code GetMembers},
 * then asks for one timestamp per call on a single long-lived {@code Tso} stream. Requests are pipelined: the
 * stream answers in request order, so each answer completes the oldest waiting call. Once the stream fails, every
 * waiting and later call fails with {@link IllegalStateException}; a call unanswered for 10 s fails alone.
 */
final class SchedulerTimestampOracle implements TimestampSource {
    private static final long TIMEOUT_SECONDS = 10;
    private final ManagedChannel channel;
    private final RequestHeader header;
    private final StreamObserver<TsoRequest> requests;
    /** Calls waiting for their answer, oldest first; guarded by {@code this}. */
    private final ArrayDeque<CompletableFuture<Long>> waiting = new ArrayDeque<>();
    /** Why the stream ended, once it has; guarded by {@code this}. */
    private IllegalStateException broken;

    /** Connects to the scheduler at {@code target} (HOST:PORT). */
    SchedulerTimestampOracle(String target) {
        channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            long clusterId = SchedulerGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .getMembers(GetMembersRequest.getDefaultInstance()).getHeader().getClusterId();
            header = RequestHeader.newBuilder().setClusterId(clusterId).build();
            requests = SchedulerGrpc.newStub(channel).tso(new StreamObserver<>() {
                @Override
                public void onNext(TsoResponse value) {
                    answered(value);
                }

                @Override
                public void onError(Throwable t) {
                    ended(new IllegalStateException("scheduler Tso stream failed: " + t, t));
                }

                @Override
                public void onCompleted() {
                    ended(new IllegalStateException("scheduler closed the Tso stream"));
                }
            });
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }

    @Override
    public CompletableFuture<Long> nextAsync() {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        synchronized (this) {
            if (broken != null) {
                return CompletableFuture.failedFuture(broken);
            }
            waiting.addLast(answer);
            requests.onNext(TsoRequest.newBuilder().setHeader(header).setCount(1).build());
        }
        return answer.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).exceptionallyCompose(failure ->
            CompletableFuture.failedFuture(failure instanceof TimeoutException
                ? new IllegalStateException("no timestamp from the scheduler within " + TIMEOUT_SECONDS + " s")
                : failure));
    }

    private void answered(TsoResponse response) {
        CompletableFuture<Long> oldest;
        synchronized (this) {
            oldest = waiting.pollFirst();
        }
        if (oldest == null) {
            return;
        }
        if (response.getHeader().hasError() && response.getHeader().getError().getTypeValue() != 0) {
            oldest.completeExceptionally(new IllegalStateException("scheduler Tso error: "
                + response.getHeader().getError()));
        } else {
            oldest.complete(TimeStamp.compose(response.getTimestamp().getPhysical(),
                response.getTimestamp().getLogical()));
        }
    }

    private void ended(IllegalStateException why) {
        ArrayDeque<CompletableFuture<Long>> failed;
        synchronized (this) {
            if (broken == null) {
                broken = why;
            }
            failed = new ArrayDeque<>(waiting);
            waiting.clear();
        }
        failed.forEach(call -> call.completeExceptionally(why));
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                requests.onCompleted();
            }
        } catch (RuntimeException ignored) {
            // the stream is already broken; shutting the channel down is all that is left
        }
        channel.shutdownNow();
    }
}
