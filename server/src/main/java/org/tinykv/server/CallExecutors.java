package org.tinykv.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.concurrent.Executor;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;

/**
 * Runs the store-to-store streams ({@code Raft}, {@code Snapshot}) on their own executor and every other call on the
 * server's handler executor. Without it, a burst of writes that fills every handler thread (each waits for its
 * command to commit) would leave no thread to take the followers' acknowledgements that the commits wait for.
 */
final class StreamExecutors implements ServerCallExecutorSupplier {
    private final Executor streams;

    StreamExecutors(final Executor streams) {
        this.streams = streams;
    }

    @Override
    public <Q, R> Executor getExecutor(final ServerCall<Q, R> call, final Metadata metadata) {
        final String method = call.getMethodDescriptor().getFullMethodName();
        if (method.equals(TinyKvGrpc.getRaftMethod().getFullMethodName())
                || method.equals(TinyKvGrpc.getSnapshotMethod().getFullMethodName())) {
            return streams;
        }
        return null;
    }
}
