package org.tinykv.server;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;

/**
 * Chooses where each call's handler runs (the server's own executor is direct, so that choosing costs no hop);
 * everything not named here runs on the handler executor, whose threads may block.
 *
 * <ul>
 *   <li>{@code Raft} messages are delivered on the gRPC transport thread that decoded them: delivery only puts the
 *       message in a peer's mailbox (or, for a region this store has no peer of yet, reads its local state once).
 *       This also keeps them off the handler executor, whose threads may all be waiting for commits that need
 *       these very messages (the followers' acknowledgements).</li>
 *   <li>With {@code directPointCalls} (a store whose raw point calls never wait: {@code AsyncRawKv}), RawGet,
 *       RawPut and RawDelete run on the transport thread too: the handler proposes and returns, and the store
 *       worker that answers sends the response.</li>
 *   <li>With {@code directPointReads} (a store whose point reads are local engine reads, with no consensus round
 *       to wait for: the standalone store), KvGet and RawGet run on the transport thread. A point read costs a few
 *       microseconds from the memtables and block cache, less than handing it to a handler thread and its answer
 *       back to the transport. Scans stay on the handler executor: they may read many blocks.</li>
 *   <li>{@code Snapshot} streams write files, so they run on their own executor.</li>
 * </ul>
 *
 * <p>Why: on a loaded 2-core machine every hand-off to another thread cost a scheduling delay on the commit path,
 * and a parked handler thread per call cost a wake-up per answer.
 */
final class CallExecutors implements ServerCallExecutorSupplier {
    private static final Executor DIRECT = Runnable::run;
    private static final Set<String> POINT_CALLS = Set.of(
        TinyKvGrpc.getRawGetMethod().getFullMethodName(),
        TinyKvGrpc.getRawPutMethod().getFullMethodName(),
        TinyKvGrpc.getRawDeleteMethod().getFullMethodName());

    private static final Set<String> POINT_READS = Set.of(
        TinyKvGrpc.getRawGetMethod().getFullMethodName(),
        TinyKvGrpc.getKvGetMethod().getFullMethodName());

    private final Executor handlers;
    private final Executor snapshots;
    private final boolean directPointCalls;
    private final boolean directPointReads;

    CallExecutors(final Executor handlers, final Executor snapshots, final boolean directPointCalls,
                  final boolean directPointReads) {
        this.handlers = handlers;
        this.snapshots = snapshots;
        this.directPointCalls = directPointCalls;
        this.directPointReads = directPointReads;
    }

    @Override
    public <Q, R> Executor getExecutor(final ServerCall<Q, R> call, final Metadata metadata) {
        final MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        final String name = method.getFullMethodName();
        if (name.equals(TinyKvGrpc.getRaftMethod().getFullMethodName())
                || directPointCalls && POINT_CALLS.contains(name)
                || directPointReads && POINT_READS.contains(name)) {
            return DIRECT;
        }
        if (name.equals(TinyKvGrpc.getSnapshotMethod().getFullMethodName())) {
            return snapshots;
        }
        return handlers;
    }
}
