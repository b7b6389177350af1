package org.tinykv.txn;

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

/**
 * The seven Percolator RPCs of TinyKV's {@code TinyKv} service as plain request-to-response calls, one method per
 * RPC ({@code KvGet}, {@code KvScan}, {@code KvPrewrite}, {@code KvCommit}, {@code KvCheckTxnStatus},
 * {@code KvBatchRollback}, {@code KvResolveLock}). Implemented in-process by {@link TxnCommands} and, outside this
 * module, by clients that send the requests over gRPC, so that one test or workload can drive either.
 *
 * <p>Contract: every method answers with TinyKV's semantics and error fields (key errors in {@code error} /
 * {@code errors}, routing failures in {@code region_error}); a failure to reach the store at all is the
 * implementation's own unchecked exception. Implementations must be thread-safe.
 */
public interface TxnApi {
    /** KvGet: the value of {@code key} at {@code version}, or the lock that blocks the read. */
    GetResponse get(GetRequest req);

    /** KvScan: up to {@code limit} pairs from {@code start_key} at {@code version}. */
    ScanResponse scan(ScanRequest req);

    /** KvPrewrite: locks and stages every mutation, or changes nothing and reports each failing key. */
    PrewriteResponse prewrite(PrewriteRequest req);

    /** KvCommit: commits every key at {@code commit_version}, or changes nothing. */
    CommitResponse commit(CommitRequest req);

    /** KvCheckTxnStatus: the state of the transaction whose primary lock is {@code primary_key}. */
    CheckTxnStatusResponse checkTxnStatus(CheckTxnStatusRequest req);

    /** KvBatchRollback: rolls back every key of transaction {@code start_version}. */
    BatchRollbackResponse batchRollback(BatchRollbackRequest req);

    /** KvResolveLock: commits or rolls back every lock of transaction {@code start_version}. */
    ResolveLockResponse resolveLock(ResolveLockRequest req);
}
