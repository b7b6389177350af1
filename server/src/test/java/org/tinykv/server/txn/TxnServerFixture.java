package org.tinykv.server.txn;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.HostPort;
import org.tinykv.server.ServerConfig;
import org.tinykv.server.TinyKvServer;
import org.tinykv.txn.TxnApi;
import org.tinykv.txn.cases.TxnCaseKit;

/**
 * An in-JVM standalone tinykv-server on 127.0.0.1 (ephemeral ports) over a fresh data directory, with a client
 * channel: the transactional API through gRPC ({@link GrpcTxnApi}) and a seeding engine through the raw RPCs
 * ({@link RawRpcEngine}). Small memtables, so RPCs race with flushes. Registered as a JUnit extension
 * ({@code @RegisterExtension static final TxnServerFixture SERVER = new TxnServerFixture();}) it starts before the
 * test class's first test and stops, deleting its directory, after the last.
 */
final class TxnServerFixture implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private TinyKvServer server;
    private ManagedChannel channel;
    private GrpcTxnApi api;
    private RawRpcEngine engine;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("tinykv-txn-it");
        server = TinyKvServer.start(ServerConfig.builder().path(dir).standalone(true)
                .addr(HostPort.parse("127.0.0.1:0")).statusAddr(HostPort.parse("127.0.0.1:0"))
                .memtableBytes(1 << 20).build(), System::nanoTime);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcAddress().getPort())
                .usePlaintext().maxInboundMessageSize(64 << 20).build();
        TinyKvGrpc.TinyKvBlockingStub stub = TinyKvGrpc.newBlockingStub(channel);
        api = new GrpcTxnApi(stub);
        engine = new RawRpcEngine(stub);
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
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
        try {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (server != null) {
                server.close();
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
