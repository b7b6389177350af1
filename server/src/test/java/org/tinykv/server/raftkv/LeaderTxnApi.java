package org.tinykv.server.raftkv;

import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.BatchRollbackResponse;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.CommitResponse;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.proto.kvrpcpb.ScanRequest;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.txn.TxnApi;

/**
 * {@link TxnApi} over gRPC to the leader of region 1 of a {@link RaftKvCluster}, as a region-aware client sends it:
 * every request gets the leader's routing context; NotLeader (following its hint) and StaleCommand are retried for
 * up to 20 s, as TinySQL's region request sender does; any other region error is returned to the caller, or, if
 * built with {@code retryAll}, retried too (as TinySQL's callers do after a backoff: every Percolator command is
 * safe to repeat). Thread-safe.
 */
final class LeaderTxnApi implements TxnApi {
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(20);
    private final RaftKvCluster cluster;
    private final boolean retryAll;
    private volatile long leader;

    LeaderTxnApi(final RaftKvCluster cluster, final long leader, final boolean retryAll) {
        this.cluster = cluster;
        this.leader = leader;
        this.retryAll = retryAll;
    }

    /** The store currently believed to lead. */
    long leader() {
        return leader;
    }

    /** Follows a region error: the hinted leader, or the next store. */
    void redirect(final Error e) {
        final long current = leader;
        leader = e.getNotLeader().hasLeader() ? e.getNotLeader().getLeader().getStoreId()
                : current % cluster.stores.size() + 1;
    }

    /** Whether a client resends on {@code e} (TinySQL's sender does for these two). */
    static boolean resend(final Error e) {
        return e.hasNotLeader() || e.hasStaleCommand();
    }

    private <R> R call(final BiFunction<TinyKvGrpc.TinyKvBlockingStub, Context, R> rpc,
                       final Function<R, Error> regionError) {
        final long deadline = System.nanoTime() + RETRY_NANOS;
        while (true) {
            final long target = leader;
            final R resp = rpc.apply(cluster.stub(target), RaftKvCluster.ctx(target, cluster.region));
            final Error e = regionError.apply(resp);
            if (e == null || !(retryAll || resend(e)) || System.nanoTime() > deadline) {
                return resp;
            }
            redirect(e);
        }
    }

    @Override
    public GetResponse get(final GetRequest req) {
        return call((s, c) -> s.kvGet(req.toBuilder().setContext(c).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    @Override
    public ScanResponse scan(final ScanRequest req) {
        return call((s, c) -> s.kvScan(req.toBuilder().setContext(c).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    @Override
    public PrewriteResponse prewrite(final PrewriteRequest req) {
        return call((s, c) -> s.kvPrewrite(req.toBuilder().setContext(c).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    @Override
    public CommitResponse commit(final CommitRequest req) {
        return call((s, c) -> s.kvCommit(req.toBuilder().setContext(c).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    @Override
    public CheckTxnStatusResponse checkTxnStatus(final CheckTxnStatusRequest req) {
        return call((s, c) -> s.kvCheckTxnStatus(req.toBuilder().setContext(c).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    @Override
    public BatchRollbackResponse batchRollback(final BatchRollbackRequest req) {
        return call((s, c) -> s.kvBatchRollback(req.toBuilder().setContext(c).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    @Override
    public ResolveLockResponse resolveLock(final ResolveLockRequest req) {
        return call((s, c) -> s.kvResolveLock(req.toBuilder().setContext(c).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }
}
