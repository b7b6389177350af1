package org.tinykv.server;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;

/** Which executor each call of the TinyKv service gets. */
class CallExecutorsTest {
    private final Executor handlers = r -> { };
    private final Executor snapshots = r -> { };

    /** A call of {@code method}: only its descriptor matters to the choice. */
    private static <Q, R> ServerCall<Q, R> call(final MethodDescriptor<Q, R> method) {
        return new ServerCall<>() {
            @Override
            public void request(final int numMessages) {
            }

            @Override
            public void sendHeaders(final Metadata headers) {
            }

            @Override
            public void sendMessage(final R message) {
            }

            @Override
            public void close(final Status status, final Metadata trailers) {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public Attributes getAttributes() {
                return Attributes.EMPTY;
            }

            @Override
            public MethodDescriptor<Q, R> getMethodDescriptor() {
                return method;
            }
        };
    }

    private Executor choice(final CallExecutors executors, final MethodDescriptor<?, ?> method) {
        return executors.getExecutor(call(method), new Metadata());
    }

    @Test
    void pointCallsRunOnTheTransportThreadOnlyForAStoreThatNeverWaits() {
        final CallExecutors async = new CallExecutors(handlers, snapshots, true, false);
        final CallExecutors blocking = new CallExecutors(handlers, snapshots, false, false);
        final Executor direct = choice(async, TinyKvGrpc.getRawPutMethod());
        assertSame(direct, choice(async, TinyKvGrpc.getRawGetMethod()));
        assertSame(direct, choice(async, TinyKvGrpc.getRawDeleteMethod()));
        assertSame(direct, choice(blocking, TinyKvGrpc.getRaftMethod()), "raft messages never wait");
        assertSame(handlers, choice(blocking, TinyKvGrpc.getRawPutMethod()));
        assertSame(handlers, choice(async, TinyKvGrpc.getRawScanMethod()), "a scan reads many blocks");
        assertSame(handlers, choice(async, TinyKvGrpc.getKvPrewriteMethod()));
        assertSame(handlers, choice(async, TinyKvGrpc.getKvGetMethod()), "a replicated KvGet waits for ReadIndex");
        assertSame(snapshots, choice(async, TinyKvGrpc.getSnapshotMethod()));
        final Thread[] ranOn = new Thread[1];
        direct.execute(() -> ranOn[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), ranOn[0]);
    }

    @Test
    void pointReadsRunOnTheTransportThreadOnlyForAStoreWhoseReadsAreLocal() {
        final CallExecutors local = new CallExecutors(handlers, snapshots, false, true);
        final Executor direct = choice(local, TinyKvGrpc.getRaftMethod());
        assertSame(direct, choice(local, TinyKvGrpc.getKvGetMethod()));
        assertSame(direct, choice(local, TinyKvGrpc.getRawGetMethod()));
        assertSame(handlers, choice(local, TinyKvGrpc.getRawPutMethod()), "a standalone put waits for its fsync");
        assertSame(handlers, choice(local, TinyKvGrpc.getKvPrewriteMethod()));
        assertSame(handlers, choice(local, TinyKvGrpc.getKvScanMethod()), "a scan reads many blocks");
        assertSame(handlers, choice(local, TinyKvGrpc.getRawScanMethod()));
    }
}
