package org.tinykv.server.txn;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.HostPort;
import org.tinykv.server.ServerConfig;
import org.tinykv.server.TinyKvServer;
import org.tinykv.txn.TxnApi;
import org.tinykv.txn.cases.TxnCaseKit;

/**
 * An in-JVM standalone tinykv-server on 127.0.0.1 (ephemeral ports) over a fresh data directory, with a client
 * channel: the transactional API through gRPC ({@link GrpcTxnApi}) and a seeding engine through the raw RPCs
 * ({@link RawRpcEngine}). Small memtables, so RPCs race with flushes.
 */
final class TxnServerFixture implements AutoCloseable {
    private final TinyKvServer server;
    private final ManagedChannel channel;
    private final GrpcTxnApi api;
    private final RawRpcEngine engine;

    private TxnServerFixture(TinyKvServer server, ManagedChannel channel) {
        this.server = server;
        this.channel = channel;
        TinyKvGrpc.TinyKvBlockingStub stub = TinyKvGrpc.newBlockingStub(channel);
        this.api = new GrpcTxnApi(stub);
        this.engine = new RawRpcEngine(stub);
    }

    /** Starts a server storing into {@code dir}. */
    static TxnServerFixture start(Path dir) throws IOException {
        TinyKvServer server = TinyKvServer.start(ServerConfig.builder().path(dir).standalone(true)
                .addr(HostPort.parse("127.0.0.1:0")).statusAddr(HostPort.parse("127.0.0.1:0"))
                .memtableBytes(1 << 20).build(), System::nanoTime);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcAddress().getPort())
                .usePlaintext().maxInboundMessageSize(64 << 20).build();
        return new TxnServerFixture(server, channel);
    }

    /** The transactional API through gRPC. */
    TxnApi api() {
        return api;
    }

    /** Wipes every column family and returns a kit over the (now empty) server. */
    TxnCaseKit freshKit() {
        engine.clear();
        return new TxnCaseKit(api, engine);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }
}
