package org.tinykv.server.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;

/**
 * {@link KvService} hands the {@code Raft} and {@code Snapshot} client streams to its {@link RaftEndpoint}: every
 * message reaches the endpoint in order and the sender gets the endpoint's {@code Done}. (Only the streams are
 * exercised, so the service has no storage.)
 */
@Timeout(30)
class KvServiceRaftEndpointIT {
    private final List<RaftMessage> messages = new CopyOnWriteArrayList<>();
    private final List<SnapshotChunk> chunks = new CopyOnWriteArrayList<>();
    private Server server;
    private ManagedChannel channel;

    /** Collects what arrives and answers Done when the sender closes the stream. */
    private final class Collecting implements RaftEndpoint {
        @Override
        public StreamObserver<RaftMessage> raft(final StreamObserver<Done> done) {
            return collector(messages, done);
        }

        @Override
        public StreamObserver<SnapshotChunk> snapshot(final StreamObserver<Done> done) {
            return collector(chunks, done);
        }
    }

    private static <T> StreamObserver<T> collector(final List<T> into, final StreamObserver<Done> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(final T value) {
                into.add(value);
            }

            @Override
            public void onError(final Throwable t) {
            }

            @Override
            public void onCompleted() {
                done.onNext(Done.getDefaultInstance());
                done.onCompleted();
            }
        };
    }

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new KvService(null, null, new Collecting())).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1",
                ((InetSocketAddress) server.getListenSockets().get(0)).getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static final class DoneFuture extends CompletableFuture<Done> implements StreamObserver<Done> {
        @Override
        public void onNext(final Done value) {
            complete(value);
        }

        @Override
        public void onError(final Throwable t) {
            completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
        }
    }

    @Test
    void raftMessagesReachTheEndpoint() throws Exception {
        final DoneFuture done = new DoneFuture();
        final StreamObserver<RaftMessage> out = TinyKvGrpc.newStub(channel).raft(done);
        out.onNext(RaftMessage.newBuilder().setRegionId(1).build());
        out.onNext(RaftMessage.newBuilder().setRegionId(2).build());
        out.onCompleted();
        assertEquals(Done.getDefaultInstance(), done.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(1L, 2L), messages.stream().map(RaftMessage::getRegionId).toList());
    }

    @Test
    void snapshotChunksReachTheEndpoint() throws Exception {
        final DoneFuture done = new DoneFuture();
        final StreamObserver<SnapshotChunk> out = TinyKvGrpc.newStub(channel).snapshot(done);
        out.onNext(SnapshotChunk.newBuilder().setMessage(RaftMessage.newBuilder().setRegionId(3)).build());
        out.onNext(SnapshotChunk.newBuilder().setData(ByteString.copyFromUtf8("bytes")).build());
        out.onCompleted();
        assertEquals(Done.getDefaultInstance(), done.get(10, TimeUnit.SECONDS));
        assertEquals(2, chunks.size());
        assertEquals(3, chunks.get(0).getMessage().getRegionId());
        assertEquals(ByteString.copyFromUtf8("bytes"), chunks.get(1).getData());
    }
}
