package org.tinykv.tools.bench.txn;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;
import org.tinykv.txn.types.TimeStamp;

/**
 * Timestamps from a tinyscheduler-server (or TinyKV's scheduler): learns the cluster id with {@code GetMembers},
 * then asks for one timestamp at a time on a single long-lived {@code Tso} stream. Calls are serialized (one
 * request in flight); any stream error or a 10 s silence fails the call with {@link IllegalStateException}.
 */
final class SchedulerTimestampOracle implements TimestampSource {
    private static final long TIMEOUT_SECONDS = 10;
    private final ManagedChannel channel;
    private final RequestHeader header;
    private final BlockingQueue<Object> answers = new ArrayBlockingQueue<>(4);
    private final StreamObserver<TsoRequest> requests;

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
                    answers.offer(value);
                }

                @Override
                public void onError(Throwable t) {
                    answers.offer(t);
                }

                @Override
                public void onCompleted() {
                    answers.offer(new IllegalStateException("scheduler closed the Tso stream"));
                }
            });
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }

    @Override
    public synchronized long next() {
        requests.onNext(TsoRequest.newBuilder().setHeader(header).setCount(1).build());
        Object answer;
        try {
            answer = answers.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a timestamp", e);
        }
        if (answer instanceof TsoResponse r) {
            if (r.getHeader().hasError() && r.getHeader().getError().getTypeValue() != 0) {
                throw new IllegalStateException("scheduler Tso error: " + r.getHeader().getError());
            }
            return TimeStamp.compose(r.getTimestamp().getPhysical(), r.getTimestamp().getLogical());
        }
        if (answer == null) {
            throw new IllegalStateException("no timestamp from the scheduler within " + TIMEOUT_SECONDS + " s");
        }
        answers.offer(answer); // a broken stream stays broken for every later call
        throw new IllegalStateException("scheduler Tso stream failed: " + answer, (Throwable) answer);
    }

    @Override
    public void close() {
        try {
            requests.onCompleted();
        } catch (RuntimeException ignored) {
            // the stream is already broken; shutting the channel down is all that is left
        }
        channel.shutdownNow();
    }
}
