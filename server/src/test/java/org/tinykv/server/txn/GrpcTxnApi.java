package org.tinykv.server.txn;

import java.util.concurrent.TimeUnit;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.BatchRollbackResponse;
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
import org.tinykv.proto.kvrpcpb.ScanRequest;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.txn.TxnApi;

/**
 * {@link TxnApi} over gRPC: every call is the matching {@code TinyKv} RPC on a blocking stub, with a 30 s deadline
 * so a stalled server fails the test instead of hanging it. A gRPC failure surfaces as
 * {@link io.grpc.StatusRuntimeException}. Thread-safe (stubs are).
 */
final class GrpcTxnApi implements TxnApi {
    private static final long DEADLINE_SECONDS = 30;
    private final TinyKvGrpc.TinyKvBlockingStub stub;

    GrpcTxnApi(TinyKvGrpc.TinyKvBlockingStub stub) {
        this.stub = stub;
    }

    private TinyKvGrpc.TinyKvBlockingStub kv() {
        return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public GetResponse get(GetRequest req) {
        return kv().kvGet(req);
    }

    @Override
    public ScanResponse scan(ScanRequest req) {
        return kv().kvScan(req);
    }

    @Override
    public PrewriteResponse prewrite(PrewriteRequest req) {
        return kv().kvPrewrite(req);
    }

    @Override
    public CommitResponse commit(CommitRequest req) {
        return kv().kvCommit(req);
    }

    @Override
    public CheckTxnStatusResponse checkTxnStatus(CheckTxnStatusRequest req) {
        return kv().kvCheckTxnStatus(req);
    }

    @Override
    public BatchRollbackResponse batchRollback(BatchRollbackRequest req) {
        return kv().kvBatchRollback(req);
    }

    @Override
    public ResolveLockResponse resolveLock(ResolveLockRequest req) {
        return kv().kvResolveLock(req);
    }
}
