package org.tinykv.tools.bench.txn;

import com.google.protobuf.ByteString;
import java.util.concurrent.TimeUnit;
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
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.client.ClusterClient;

/**
 * Where a benchmark transaction sends its Percolator RPCs: one server through a blocking stub (empty context), or
 * a cluster through a {@link ClusterClient} (requests routed and split by region, region errors retried inside).
 * Thread-safety: as the underlying stub or client (both thread-safe). Failures are unchecked
 * ({@code StatusRuntimeException}, {@code ClusterClientException}).
 */
interface TxnKv {
    /** KvGet. */
    GetResponse get(GetRequest request);

    /** KvPrewrite of all the request's mutations. */
    PrewriteResponse prewrite(PrewriteRequest request);

    /** KvCommit of all the request's keys (the first key's region first). */
    CommitResponse commit(CommitRequest request);

    /** KvCheckTxnStatus at the request's primary key. */
    CheckTxnStatusResponse checkTxnStatus(CheckTxnStatusRequest request);

    /** KvResolveLock of the transaction, where {@code lockKey} (a key it locked) lives. */
    ResolveLockResponse resolveLock(ResolveLockRequest request, ByteString lockKey);

    /**
     * Undoes the locks a failed prewrite of {@code request}'s keys may have left: nothing on one server (its
     * prewrite takes all locks or none), a KvBatchRollback per region in a cluster (one region may have locked
     * while another refused). A rollback that fails is left to the lock resolution of later readers.
     */
    void rollbackPartialPrewrite(BatchRollbackRequest request);

    /** One server through {@code stub}, each RPC bounded by {@code deadlineMillis}. */
    static TxnKv server(TinyKvBlockingStub stub, long deadlineMillis) {
        return new TxnKv() {
            private TinyKvBlockingStub kv() {
                return stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public GetResponse get(GetRequest request) {
                return kv().kvGet(request);
            }

            @Override
            public PrewriteResponse prewrite(PrewriteRequest request) {
                return kv().kvPrewrite(request);
            }

            @Override
            public CommitResponse commit(CommitRequest request) {
                return kv().kvCommit(request);
            }

            @Override
            public CheckTxnStatusResponse checkTxnStatus(CheckTxnStatusRequest request) {
                return kv().kvCheckTxnStatus(request);
            }

            @Override
            public ResolveLockResponse resolveLock(ResolveLockRequest request, ByteString lockKey) {
                return kv().kvResolveLock(request);
            }

            @Override
            public void rollbackPartialPrewrite(BatchRollbackRequest request) {
                // one server's prewrite is atomic: a refused prewrite left no lock
            }
        };
    }

    /** A cluster through {@code client}. */
    static TxnKv cluster(ClusterClient client) {
        return new TxnKv() {
            @Override
            public GetResponse get(GetRequest request) {
                return client.kvGet(request);
            }

            @Override
            public PrewriteResponse prewrite(PrewriteRequest request) {
                return client.kvPrewrite(request);
            }

            @Override
            public CommitResponse commit(CommitRequest request) {
                return client.kvCommit(request);
            }

            @Override
            public CheckTxnStatusResponse checkTxnStatus(CheckTxnStatusRequest request) {
                return client.kvCheckTxnStatus(request);
            }

            @Override
            public ResolveLockResponse resolveLock(ResolveLockRequest request, ByteString lockKey) {
                return client.kvResolveLock(request, lockKey);
            }

            @Override
            public void rollbackPartialPrewrite(BatchRollbackRequest request) {
                client.kvBatchRollback(request);
            }
        };
    }
}
