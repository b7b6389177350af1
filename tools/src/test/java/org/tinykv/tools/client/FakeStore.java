package org.tinykv.tools.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
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
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;

/**
 * A scripted TinyKV store on loopback: each request is recorded (in the cluster's shared log) and answered by the
 * next scripted reply if there is one (a region error, or a gRPC status as a transport failure), else served from
 * the cluster's shared map (raw) or with an empty success (txn). RawScan stops at the end of the region its
 * context names, as a real store does.
 */
final class FakeStore extends TinyKvGrpc.TinyKvImplBase implements AutoCloseable {
    final long storeId;
    final Queue<Object> script = new ConcurrentLinkedQueue<>();
    /** Client connections (transports) this store accepted. */
    final AtomicInteger connections = new AtomicInteger();
    private final FakeCluster cluster;
    private final Server server;

    FakeStore(final long storeId, final FakeCluster cluster) throws IOException {
        this.storeId = storeId;
        this.cluster = cluster;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this)
            .addTransportFilter(new ServerTransportFilter() {
                @Override
                public Attributes transportReady(final Attributes attrs) {
                    connections.incrementAndGet();
                    return attrs;
                }
            }).build().start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private <R> void answer(final String op, final Context ctx, final Message request, final StreamObserver<R> out,
                            final Function<Error, R> withRegionError, final Supplier<R> normal) {
        cluster.log.add(new FakeCluster.Received(storeId, op, ctx, request));
        final Object scripted = script.poll();
        if (scripted instanceof Error e) {
            out.onNext(withRegionError.apply(e));
            out.onCompleted();
        } else if (scripted instanceof Status s) {
            out.onError(s.asRuntimeException());
        } else {
            out.onNext(normal.get());
            out.onCompleted();
        }
    }

    @Override
    public void rawPut(final RawPutRequest req, final StreamObserver<RawPutResponse> out) {
        answer("RawPut", req.getContext(), req, out, e -> RawPutResponse.newBuilder().setRegionError(e).build(), () -> {
            cluster.data.put(req.getKey(), req.getValue());
            return RawPutResponse.getDefaultInstance();
        });
    }

    @Override
    public void rawGet(final RawGetRequest req, final StreamObserver<RawGetResponse> out) {
        answer("RawGet", req.getContext(), req, out, e -> RawGetResponse.newBuilder().setRegionError(e).build(), () -> {
            final ByteString v = cluster.data.get(req.getKey());
            return v == null ? RawGetResponse.newBuilder().setNotFound(true).build()
                : RawGetResponse.newBuilder().setValue(v).build();
        });
    }

    @Override
    public void rawScan(final RawScanRequest req, final StreamObserver<RawScanResponse> out) {
        answer("RawScan", req.getContext(), req, out, e -> RawScanResponse.newBuilder().setRegionError(e).build(),
            () -> {
                final ByteString end = cluster.region(req.getContext().getRegionId()).getEndKey();
                final RawScanResponse.Builder b = RawScanResponse.newBuilder();
                for (Map.Entry<ByteString, ByteString> kv : cluster.data.tailMap(req.getStartKey()).entrySet()) {
                    if (b.getKvsCount() >= req.getLimit() || (!end.isEmpty()
                            && ByteString.unsignedLexicographicalComparator().compare(kv.getKey(), end) >= 0)) {
                        break;
                    }
                    b.addKvs(KvPair.newBuilder().setKey(kv.getKey()).setValue(kv.getValue()));
                }
                return b.build();
            });
    }

    @Override
    public void kvGet(final GetRequest req, final StreamObserver<GetResponse> out) {
        answer("KvGet", req.getContext(), req, out, e -> GetResponse.newBuilder().setRegionError(e).build(),
            GetResponse::getDefaultInstance);
    }

    @Override
    public void kvPrewrite(final PrewriteRequest req, final StreamObserver<PrewriteResponse> out) {
        answer("KvPrewrite", req.getContext(), req, out, e -> PrewriteResponse.newBuilder().setRegionError(e).build(),
            PrewriteResponse::getDefaultInstance);
    }

    @Override
    public void kvCommit(final CommitRequest req, final StreamObserver<CommitResponse> out) {
        answer("KvCommit", req.getContext(), req, out, e -> CommitResponse.newBuilder().setRegionError(e).build(),
            CommitResponse::getDefaultInstance);
    }

    @Override
    public void kvBatchRollback(final BatchRollbackRequest req, final StreamObserver<BatchRollbackResponse> out) {
        answer("KvBatchRollback", req.getContext(), req, out,
            e -> BatchRollbackResponse.newBuilder().setRegionError(e).build(), BatchRollbackResponse::getDefaultInstance);
    }

    @Override
    public void kvCheckTxnStatus(final CheckTxnStatusRequest req, final StreamObserver<CheckTxnStatusResponse> out) {
        answer("KvCheckTxnStatus", req.getContext(), req, out,
            e -> CheckTxnStatusResponse.newBuilder().setRegionError(e).build(),
            CheckTxnStatusResponse::getDefaultInstance);
    }

    @Override
    public void kvResolveLock(final ResolveLockRequest req, final StreamObserver<ResolveLockResponse> out) {
        answer("KvResolveLock", req.getContext(), req, out,
            e -> ResolveLockResponse.newBuilder().setRegionError(e).build(), ResolveLockResponse::getDefaultInstance);
    }
}
