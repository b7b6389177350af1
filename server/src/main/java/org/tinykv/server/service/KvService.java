package org.tinykv.server.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import org.tinykv.lsm.Cf;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.RawDeleteRequest;
import org.tinykv.proto.kvrpcpb.RawDeleteResponse;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.storage.KeyValue;
import org.tinykv.server.storage.StandaloneStorage;
import org.tinykv.server.storage.UnknownColumnFamilyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tinykvpb.TinyKv} service of a standalone store: the raw API (RawGet, RawPut, RawDelete, RawScan) with
 * TinyKV's semantics. The transactional, coprocessor and raft RPCs are not overridden, so they answer
 * {@code UNIMPLEMENTED}.
 *
 * <p>Errors: an unknown column family, an empty key (except as a scan's start) and an engine I/O failure are
 * reported in the response's {@code error} field (the RPC itself succeeds, as in TiKV); any other failure ends the
 * call with {@code INTERNAL}. An empty column family name means default.
 *
 * <p>Thread-safety: safe for concurrent calls. A write blocks the calling gRPC executor thread until it is synced.
 */
public final class KvService extends TinyKvGrpc.TinyKvImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(KvService.class);
    /** TiKV's answer to an empty key in RawGet, RawPut and RawDelete. */
    static final String EMPTY_KEY = "key cannot be empty";

    private final StandaloneStorage storage;

    /** Creates the service over {@code storage}, which the caller keeps open while the service runs. */
    public KvService(final StandaloneStorage storage) {
        this.storage = storage;
    }

    @Override
    public void rawGet(final RawGetRequest request, final StreamObserver<RawGetResponse> observer) {
        final RawGetResponse.Builder response = RawGetResponse.newBuilder();
        try {
            final Cf cf = StandaloneStorage.columnFamily(request.getCf());
            if (request.getKey().isEmpty()) {
                complete(observer, response.setError(EMPTY_KEY).build());
                return;
            }
            final byte[] value = storage.get(cf, request.getKey().toByteArray());
            if (value == null) {
                response.setNotFound(true);
            } else {
                response.setValue(wrap(value));
            }
        } catch (UnknownColumnFamilyException e) {
            response.setError(e.getMessage());
        } catch (IOException e) {
            response.setError(engineError("RawGet", e));
        } catch (RuntimeException e) {
            fail(observer, "RawGet", e);
            return;
        }
        complete(observer, response.build());
    }

    @Override
    public void rawPut(final RawPutRequest request, final StreamObserver<RawPutResponse> observer) {
        final RawPutResponse.Builder response = RawPutResponse.newBuilder();
        try {
            final Cf cf = StandaloneStorage.columnFamily(request.getCf());
            if (request.getKey().isEmpty()) {
                complete(observer, response.setError(EMPTY_KEY).build());
                return;
            }
            storage.put(cf, request.getKey().toByteArray(), request.getValue().toByteArray());
        } catch (UnknownColumnFamilyException e) {
            response.setError(e.getMessage());
        } catch (IOException e) {
            response.setError(engineError("RawPut", e));
        } catch (RuntimeException e) {
            fail(observer, "RawPut", e);
            return;
        }
        complete(observer, response.build());
    }

    @Override
    public void rawDelete(final RawDeleteRequest request, final StreamObserver<RawDeleteResponse> observer) {
        final RawDeleteResponse.Builder response = RawDeleteResponse.newBuilder();
        try {
            final Cf cf = StandaloneStorage.columnFamily(request.getCf());
            if (request.getKey().isEmpty()) {
                complete(observer, response.setError(EMPTY_KEY).build());
                return;
            }
            storage.delete(cf, request.getKey().toByteArray());
        } catch (UnknownColumnFamilyException e) {
            response.setError(e.getMessage());
        } catch (IOException e) {
            response.setError(engineError("RawDelete", e));
        } catch (RuntimeException e) {
            fail(observer, "RawDelete", e);
            return;
        }
        complete(observer, response.build());
    }

    @Override
    public void rawScan(final RawScanRequest request, final StreamObserver<RawScanResponse> observer) {
        final RawScanResponse.Builder response = RawScanResponse.newBuilder();
        try {
            final Cf cf = StandaloneStorage.columnFamily(request.getCf());
            // limit is a proto uint32: values past Integer.MAX_VALUE arrive negative in Java.
            final long limit = Integer.toUnsignedLong(request.getLimit());
            final List<KeyValue> pairs = storage.scan(cf, request.getStartKey().toByteArray(), limit);
            for (KeyValue pair : pairs) {
                response.addKvs(KvPair.newBuilder().setKey(wrap(pair.key())).setValue(wrap(pair.value())));
            }
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

    private static <T> void complete(final StreamObserver<T> observer, final T response) {
        observer.onNext(response);
        observer.onCompleted();
    }

    private static void fail(final StreamObserver<?> observer, final String method, final RuntimeException e) {
        LOG.error("{} failed", method, e);
        observer.onError(Status.INTERNAL.withDescription(method + " failed: " + e).withCause(e).asRuntimeException());
    }
}
