package org.tinykv.tools.bench.raw;

import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.bench.UnaryCalls;
import org.tinykv.tools.client.ClusterClient;

/**
 * Where the raw workload sends its RawPut / RawGet: one server over a few shared connections (empty context), or a
 * cluster through a {@link ClusterClient}. Thread-safe; failures are unchecked ({@code StatusRuntimeException},
 * {@code ClusterClientException}), thrown by the blocking calls and completing the futures of the asynchronous
 * ones, which complete on gRPC transport threads (their continuations must not block).
 */
interface RawTarget {

    /** RawPut from client {@code client}; returns the response's error field ("" on success). */
    String put(int client, ByteString key, ByteString value, String cf);

    /** RawGet from client {@code client}. */
    RawGetResponse get(int client, ByteString key, String cf);

    /** {@link #put} without a waiting thread: the future completes with the response's error field. */
    CompletableFuture<String> putAsync(int client, ByteString key, ByteString value, String cf);

    /** {@link #get} without a waiting thread. */
    CompletableFuture<RawGetResponse> getAsync(int client, ByteString key, String cf);

    /** One server: client {@code i} uses stub {@code i % stubs}, each RPC bounded by {@code deadlineMillis}. */
    static RawTarget server(final List<TinyKvBlockingStub> stubs, final long deadlineMillis) {
        return new RawTarget() {
            private TinyKvBlockingStub stub(final int client) {
                return stubs.get(client % stubs.size()).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public String put(final int client, final ByteString key, final ByteString value, final String cf) {
                return stub(client).rawPut(RawPutRequest.newBuilder().setKey(key).setValue(value).setCf(cf).build())
                    .getError();
            }

            @Override
            public RawGetResponse get(final int client, final ByteString key, final String cf) {
                return stub(client).rawGet(RawGetRequest.newBuilder().setKey(key).setCf(cf).build());
            }

            @Override
            public CompletableFuture<String> putAsync(final int client, final ByteString key, final ByteString value,
                                                      final String cf) {
                return call(stub(client), TinyKvGrpc.getRawPutMethod(),
                    RawPutRequest.newBuilder().setKey(key).setValue(value).setCf(cf).build())
                    .thenApply(RawPutResponse::getError);
            }

            @Override
            public CompletableFuture<RawGetResponse> getAsync(final int client, final ByteString key,
                                                              final String cf) {
                return call(stub(client), TinyKvGrpc.getRawGetMethod(),
                    RawGetRequest.newBuilder().setKey(key).setCf(cf).build());
            }
        };
    }

    /** A cluster: every request routed by {@code cluster} to its region's leader. */
    static RawTarget cluster(final ClusterClient cluster) {
        return new RawTarget() {
            @Override
            public String put(final int client, final ByteString key, final ByteString value, final String cf) {
                return cluster.rawPut(key, value, cf).getError();
            }

            @Override
            public RawGetResponse get(final int client, final ByteString key, final String cf) {
                return cluster.rawGet(key, cf);
            }

            @Override
            public CompletableFuture<String> putAsync(final int client, final ByteString key, final ByteString value,
                                                      final String cf) {
                return cluster.rawPutAsync(key, value, cf).thenApply(RawPutResponse::getError);
            }

            @Override
            public CompletableFuture<RawGetResponse> getAsync(final int client, final ByteString key,
                                                              final String cf) {
                return cluster.rawGetAsync(key, cf);
            }
        };
    }

    private static <Q, R> CompletableFuture<R> call(final TinyKvBlockingStub stub, final MethodDescriptor<Q, R> method,
                                                    final Q request) {
        return UnaryCalls.call(stub.getChannel(), stub.getCallOptions(), method, request);
    }
}
