package org.tinykv.server.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tinykv.lsm.Cf;
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
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.RawDeleteRequest;
import org.tinykv.proto.kvrpcpb.RawDeleteResponse;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.proto.kvrpcpb.ScanRequest;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.storage.AsyncRawKv;
import org.tinykv.server.storage.KeyValue;
import org.tinykv.server.storage.RawKv;
import org.tinykv.server.storage.StandaloneStorage;
import org.tinykv.server.storage.UnknownColumnFamilyException;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.RegionErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tinykvpb.TinyKv} service of a store, standalone or replicated: the raw API (RawGet, RawPut, RawDelete,
 * RawScan, delegated to a {@link RawKv} with the request's context) and the Percolator API (KvGet, KvScan,
 * KvPrewrite, KvCommit, KvCheckTxnStatus, KvBatchRollback, KvResolveLock, delegated to {@link TxnCommands}) with
 * TinyKV's semantics. The {@code Raft} and {@code Snapshot} streams go to the {@link RaftEndpoint} when there is one
 * (a replicated store) and answer {@code UNIMPLEMENTED} otherwise; the coprocessor is not overridden, so it answers
 * {@code UNIMPLEMENTED}.
 *
 * <p>Errors: a routing failure of the store ({@link RegionErrorException}: not leader, epoch mismatch, region not
 * found, key not in region, stale command, timeout) goes verbatim into the response's {@code region_error}; an
 * unknown column family, an empty key (except as a scan's start) and an engine I/O failure are reported in the
 * response's {@code error} field (the RPC itself succeeds, as in TiKV); any other failure ends the call with
 * {@code INTERNAL}. An empty column family name means default.
 *
 * <p>Thread-safety: safe for concurrent calls. Over a {@link RawKv} that is also an {@link AsyncRawKv} (a replicated
 * store), RawGet, RawPut and RawDelete return at once and are answered on the store worker that completes them;
 * every other call blocks its gRPC executor thread until it is answered (a write until it is synced).
 */
public final class KvService extends TinyKvGrpc.TinyKvImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(KvService.class);
    /** TiKV's answer to an empty key in RawGet, RawPut and RawDelete. */
    static final String EMPTY_KEY = "key cannot be empty";

    private final RawKv storage;
    private final TxnCommands txn;
    private final RaftEndpoint raftEndpoint;
    /** The storage's calls without a waiting thread, when it has them (a replicated store); else null. */
    private final AsyncRawKv async;

    /**
     * Creates the service over {@code storage} for the raw API, {@code txn} for the transactional API and
     * {@code raftEndpoint} (null for a standalone store) for the store-to-store streams; the caller keeps them open
     * while the service runs.
     */
    public KvService(final RawKv storage, final TxnCommands txn, final RaftEndpoint raftEndpoint) {
        this.storage = storage;
        this.txn = txn;
        this.raftEndpoint = raftEndpoint;
        this.async = storage instanceof AsyncRawKv a ? a : null;
    }

    @Override
    public StreamObserver<RaftMessage> raft(final StreamObserver<Done> observer) {
        return raftEndpoint == null ? super.raft(observer) : raftEndpoint.raft(observer);
    }

    @Override
    public StreamObserver<SnapshotChunk> snapshot(final StreamObserver<Done> observer) {
        return raftEndpoint == null ? super.snapshot(observer) : raftEndpoint.snapshot(observer);
    }

    @Override
    public void kvGet(final GetRequest request, final StreamObserver<GetResponse> observer) {
        answer(observer, "KvGet", () -> txn.get(request));
    }

    @Override
    public void kvScan(final ScanRequest request, final StreamObserver<ScanResponse> observer) {
        answer(observer, "KvScan", () -> txn.scan(request));
    }

    @Override
    public void kvPrewrite(final PrewriteRequest request, final StreamObserver<PrewriteResponse> observer) {
        answer(observer, "KvPrewrite", () -> txn.prewrite(request));
    }

    @Override
    public void kvCommit(final CommitRequest request, final StreamObserver<CommitResponse> observer) {
        answer(observer, "KvCommit", () -> txn.commit(request));
    }

    @Override
    public void kvCheckTxnStatus(final CheckTxnStatusRequest request,
        final StreamObserver<CheckTxnStatusResponse> observer) {
        answer(observer, "KvCheckTxnStatus", () -> txn.checkTxnStatus(request));
    }

    @Override
    public void kvBatchRollback(final BatchRollbackRequest request,
        final StreamObserver<BatchRollbackResponse> observer) {
        answer(observer, "KvBatchRollback", () -> txn.batchRollback(request));
    }

    @Override
    public void kvResolveLock(final ResolveLockRequest request, final StreamObserver<ResolveLockResponse> observer) {
        answer(observer, "KvResolveLock", () -> txn.resolveLock(request));
    }

    @Override
    public void rawGet(final RawGetRequest request, final StreamObserver<RawGetResponse> observer) {
        final RawGetResponse.Builder response = RawGetResponse.newBuilder();
        final Cf cf = pointCall(request.getCf(), request.getKey(), observer, response::setError, response::build);
        if (cf == null) {
            return;
        }
        final Context ctx = request.getContext();
        final byte[] key = request.getKey().toByteArray();
        (async != null ? async.getAsync(ctx, cf, key) : now(() -> storage.get(ctx, cf, key)))
            .whenComplete((value, failure) -> finish(observer, "RawGet", failure, response::setRegionError,
                response::setError, () -> found(response, value)));
    }

    @Override
    public void rawPut(final RawPutRequest request, final StreamObserver<RawPutResponse> observer) {
        final RawPutResponse.Builder response = RawPutResponse.newBuilder();
        final Cf cf = pointCall(request.getCf(), request.getKey(), observer, response::setError, response::build);
        if (cf == null) {
            return;
        }
        final Context ctx = request.getContext();
        final byte[] key = request.getKey().toByteArray();
        final byte[] value = request.getValue().toByteArray();
        (async != null ? async.putAsync(ctx, cf, key, value) : now(() -> {
            storage.put(ctx, cf, key, value);
            return null;
        })).whenComplete((none, failure) -> finish(observer, "RawPut", failure, response::setRegionError,
            response::setError, response::build));
    }

    @Override
    public void rawDelete(final RawDeleteRequest request, final StreamObserver<RawDeleteResponse> observer) {
        final RawDeleteResponse.Builder response = RawDeleteResponse.newBuilder();
        final Cf cf = pointCall(request.getCf(), request.getKey(), observer, response::setError, response::build);
        if (cf == null) {
            return;
        }
        final Context ctx = request.getContext();
        final byte[] key = request.getKey().toByteArray();
        (async != null ? async.deleteAsync(ctx, cf, key) : now(() -> {
            storage.delete(ctx, cf, key);
            return null;
        })).whenComplete((none, failure) -> finish(observer, "RawDelete", failure, response::setRegionError,
            response::setError, response::build));
    }

    /** A blocking storage call. */
    @FunctionalInterface
    private interface StorageCall<T> {
        T call() throws IOException;
    }

    /** Runs a blocking storage call here and now: its outcome as a completed future. */
    private static <T> CompletableFuture<T> now(final StorageCall<T> call) {
        try {
            return CompletableFuture.completedFuture(call.call());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The column family of a point call, or null after answering the call's request error (an unknown column
     * family, an empty key).
     */
    private static <T> Cf pointCall(final String cfName, final ByteString key, final StreamObserver<T> observer,
                                    final Function<String, ?> setError, final Supplier<T> build) {
        try {
            final Cf cf = StandaloneStorage.columnFamily(cfName);
            if (key.isEmpty()) {
                setError.apply(EMPTY_KEY);
                complete(observer, build.get());
                return null;
            }
            return cf;
        } catch (UnknownColumnFamilyException e) {
            setError.apply(e.getMessage());
            complete(observer, build.get());
            return null;
        }
    }

    private static RawGetResponse found(final RawGetResponse.Builder response, final byte[] value) {
        return value == null ? response.setNotFound(true).build() : response.setValue(wrap(value)).build();
    }

    /**
     * Answers a point call: its response built by {@code success}, or its failure put into the response (a region
     * error, an engine error); anything else ends the call with INTERNAL.
     */
    private static <T> void finish(final StreamObserver<T> observer, final String method, final Throwable failure,
                                   final Function<Error, ?> setRegionError, final Function<String, ?> setError,
                                   final Supplier<T> success) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        final T response;
        try {
            if (cause == null) {
                response = success.get();
            } else if (cause instanceof RegionErrorException e) {
                setRegionError.apply(e.error());
                response = success.get();
            } else if (cause instanceof IOException e) {
                setError.apply(engineError(method, e));
                response = success.get();
            } else {
                fail(observer, method, cause instanceof RuntimeException r ? r : new IllegalStateException(cause));
                return;
            }
        } catch (RuntimeException e) {
            fail(observer, method, e);
            return;
        }
        complete(observer, response);
    }

    @Override
    public void rawScan(final RawScanRequest request, final StreamObserver<RawScanResponse> observer) {
        final RawScanResponse.Builder response = RawScanResponse.newBuilder();
        try {
            final Cf cf = StandaloneStorage.columnFamily(request.getCf());
            // limit is a proto uint32: values past Integer.MAX_VALUE arrive negative in Java.
            final long limit = Integer.toUnsignedLong(request.getLimit());
            final List<KeyValue> pairs =
                storage.scan(request.getContext(), cf, request.getStartKey().toByteArray(), limit);
            for (KeyValue pair : pairs) {
                response.addKvs(KvPair.newBuilder().setKey(wrap(pair.key())).setValue(wrap(pair.value())));
            }
        } catch (RegionErrorException e) {
            response.clearKvs();
            response.setRegionError(e.error());
        } catch (UnknownColumnFamilyException e) {
            response.setError(e.getMessage());
        } catch (IOException e) {
            response.clearKvs();
            response.setError(engineError("RawScan", e));
        } catch (RuntimeException e) {
            fail(observer, "RawScan", e);
            return;
        }
        complete(observer, response.build());
    }

    private static ByteString wrap(final byte[] bytes) {
        // Storage hands out fresh arrays that nobody mutates afterwards, so no copy is needed.
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    private static String engineError(final String method, final IOException e) {
        LOG.error("{} failed in the storage engine", method, e);
        return "storage engine error: " + e.getMessage();
    }

    /** Sends what {@code command} answers; an exception it throws (an engine failure) ends the call as INTERNAL. */
    private static <T> void answer(final StreamObserver<T> observer, final String method, final Supplier<T> command) {
        final T response;
        try {
            response = command.get();
        } catch (RuntimeException e) {
            fail(observer, method, e);
            return;
        }
        complete(observer, response);
    }

    private static <T> void complete(final StreamObserver<T> observer, final T response) {
        observer.onNext(response);
        observer.onCompleted();
    }

    private static void fail(final StreamObserver<?> observer, final String method, final RuntimeException e) {
        LOG.error("{} failed", method, e);
        observer.onError(Status.INTERNAL.withDescription(method + " failed: " + e).withCause(e).asRuntimeException());
    }
}
