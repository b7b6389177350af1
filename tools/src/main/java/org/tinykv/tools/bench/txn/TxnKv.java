package org.tinykv.tools.bench.txn;

import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.CommitResponse;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.bench.UnaryCalls;
import org.tinykv.tools.client.ClusterClient;

/**
 * Where a benchmark transaction sends its Percolator RPCs: one server (empty context), or a cluster through a
 * {@link ClusterClient} (requests routed and split by region, region errors retried inside). Every call answers
 * with a future; a failure ({@code StatusRuntimeException}, {@code ClusterClientException}) completes it
 * exceptionally. Futures of one server complete on its channel's transport thread, so continuations must not
 * block. Thread-safe.
 */
interface TxnKv {
    /** KvGet. */
    CompletableFuture<GetResponse> get(GetRequest request);

    /** KvPrewrite of all the request's mutations. */
    CompletableFuture<PrewriteResponse> prewrite(PrewriteRequest request);

    /** KvCommit of all the request's keys (the first key's region first). */
    CompletableFuture<CommitResponse> commit(CommitRequest request);

    /** KvCheckTxnStatus at the request's primary key. */
    CompletableFuture<CheckTxnStatusResponse> checkTxnStatus(CheckTxnStatusRequest request);

    /** KvResolveLock of the transaction, where {@code lockKey} (a key it locked) lives. */
    CompletableFuture<ResolveLockResponse> resolveLock(ResolveLockRequest request, ByteString lockKey);

    /**
     * Undoes the locks a failed prewrite of {@code request}'s keys may have left: nothing on one server (its
     * prewrite takes all locks or none), a KvBatchRollback per region in a cluster (one region may have locked
     * while another refused). A rollback that fails is left to the lock resolution of later readers, so the
     * future never fails.
     */
    CompletableFuture<Void> rollbackPartialPrewrite(BatchRollbackRequest request);

    /** One server through {@code stub}'s channel, each RPC bounded by {@code deadlineMillis}; no thread waits. */
    static TxnKv server(TinyKvBlockingStub stub, long deadlineMillis) {
        return new TxnKv() {
            private <Q, R> CompletableFuture<R> call(MethodDescriptor<Q, R> method, Q request) {
                return UnaryCalls.call(stub.getChannel(),
                    stub.getCallOptions().withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS), method, request);
            }

            @Override
            public CompletableFuture<GetResponse> get(GetRequest request) {
                return call(TinyKvGrpc.getKvGetMethod(), request);
            }

            @Override
            public CompletableFuture<PrewriteResponse> prewrite(PrewriteRequest request) {
                return call(TinyKvGrpc.getKvPrewriteMethod(), request);
            }

            @Override
            public CompletableFuture<CommitResponse> commit(CommitRequest request) {
                return call(TinyKvGrpc.getKvCommitMethod(), request);
            }

            @Override
            public CompletableFuture<CheckTxnStatusResponse> checkTxnStatus(CheckTxnStatusRequest request) {
                return call(TinyKvGrpc.getKvCheckTxnStatusMethod(), request);
            }

            @Override
            public CompletableFuture<ResolveLockResponse> resolveLock(ResolveLockRequest request, ByteString lockKey) {
                return call(TinyKvGrpc.getKvResolveLockMethod(), request);
            }

            @Override
            public CompletableFuture<Void> rollbackPartialPrewrite(BatchRollbackRequest request) {
                // one server's prewrite is atomic: a refused prewrite left no lock
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    /**
     * A cluster through {@code client}, whose calls block (routing, backoff, retries across regions): each runs on
     * {@code executor}.
     */
    static TxnKv cluster(ClusterClient client, Executor executor) {
        return new TxnKv() {
            private <R> CompletableFuture<R> call(Supplier<R> blocking) {
                return CompletableFuture.supplyAsync(blocking, executor);
            }

            @Override
            public CompletableFuture<GetResponse> get(GetRequest request) {
                return call(() -> client.kvGet(request));
            }

            @Override
            public CompletableFuture<PrewriteResponse> prewrite(PrewriteRequest request) {
                return call(() -> client.kvPrewrite(request));
            }

            @Override
            public CompletableFuture<CommitResponse> commit(CommitRequest request) {
                return call(() -> client.kvCommit(request));
            }

            @Override
            public CompletableFuture<CheckTxnStatusResponse> checkTxnStatus(CheckTxnStatusRequest request) {
                return call(() -> client.kvCheckTxnStatus(request));
            }

            @Override
            public CompletableFuture<ResolveLockResponse> resolveLock(ResolveLockRequest request, ByteString lockKey) {
                return call(() -> client.kvResolveLock(request, lockKey));
            }

            @Override
            public CompletableFuture<Void> rollbackPartialPrewrite(BatchRollbackRequest request) {
                return call(() -> client.kvBatchRollback(request)).handle((response, failure) -> null);
            }
        };
    }
}
