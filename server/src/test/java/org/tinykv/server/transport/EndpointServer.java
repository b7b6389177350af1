package org.tinykv.server.transport;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.service.RaftEndpoint;

/**
 * A loopback gRPC server whose TinyKv service answers only Raft and Snapshot, through a {@link RaftEndpoint} (the
 * way KvService will delegate them).
 */
final class EndpointServer extends TinyKvGrpc.TinyKvImplBase implements AutoCloseable {
    final RaftEndpoint endpoint;
    final Server server;

    EndpointServer(final RaftEndpoint endpoint) throws IOException {
        this.endpoint = endpoint;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true).addService(this).build()
                .start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public StreamObserver<RaftMessage> raft(final StreamObserver<Done> done) {
        return endpoint.raft(done);
    }

    @Override
    public StreamObserver<SnapshotChunk> snapshot(final StreamObserver<Done> done) {
        return endpoint.snapshot(done);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
