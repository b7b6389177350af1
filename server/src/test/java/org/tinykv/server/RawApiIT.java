package org.tinykv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.RawDeleteRequest;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.proto.coprocessor.Request;

/** The raw API of an in-JVM standalone server, over real gRPC on loopback. */
class RawApiIT {

    @TempDir
    static Path dir;

    private static TinyKvServer server;
    private static ManagedChannel channel;
    private static TinyKvGrpc.TinyKvBlockingStub base;

    /** A stub whose calls fail after 30 s instead of hanging. */
    private static TinyKvGrpc.TinyKvBlockingStub kv() {
        return base.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void start() throws Exception {
        server = TinyKvServer.start(ServerConfig.builder().path(dir).standalone(true)
            .addr(HostPort.parse("127.0.0.1:0")).statusAddr(HostPort.parse("127.0.0.1:0"))
            .memtableBytes(1 << 20).build(), System::nanoTime); // small memtables: RPCs race with flushes
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcAddress().getPort()).usePlaintext()
            .maxInboundMessageSize(64 << 20).build();
        base = TinyKvGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static ByteString bs(final String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static void put(final String cf, final String key, final String value) {
        assertEquals("", kv().rawPut(RawPutRequest.newBuilder().setCf(cf).setKey(bs(key)).setValue(bs(value)).build())
            .getError());
    }

    private static RawGetResponse get(final String cf, final String key) {
        return kv().rawGet(RawGetRequest.newBuilder().setCf(cf).setKey(bs(key)).build());
    }

    private static List<String> scan(final String cf, final String start, final int limit) {
        final RawScanResponse r = kv().rawScan(RawScanRequest.newBuilder().setCf(cf).setStartKey(bs(start))
            .setLimit(limit).build());
        assertEquals("", r.getError());
        final List<String> out = new ArrayList<>();
        for (KvPair p : r.getKvsList()) {
            out.add(p.getKey().toStringUtf8() + "=" + p.getValue().toStringUtf8());
        }
        return out;
    }

    @Test
    void putGetDeleteInEveryColumnFamily() {
        for (String cf : new String[] {"default", "lock", "write"}) {
            put(cf, "pgd", "v-" + cf);
        }
        for (String cf : new String[] {"default", "lock", "write"}) {
            final RawGetResponse r = get(cf, "pgd");
            assertEquals("", r.getError());
            assertFalse(r.getNotFound());
            assertEquals("v-" + cf, r.getValue().toStringUtf8());
        }
        assertEquals("", kv().rawDelete(RawDeleteRequest.newBuilder().setCf("lock").setKey(bs("pgd")).build())
            .getError());
        assertTrue(get("lock", "pgd").getNotFound());
        assertEquals("", get("lock", "pgd").getValue().toStringUtf8());
        assertEquals("v-write", get("write", "pgd").getValue().toStringUtf8());
        assertEquals("", kv().rawDelete(RawDeleteRequest.newBuilder().setCf("lock").setKey(bs("never")).build())
            .getError());
        put("default", "pgd", "overwritten");
        assertEquals("overwritten", get("default", "pgd").getValue().toStringUtf8());
        assertEquals("overwritten", get("", "pgd").getValue().toStringUtf8(), "an empty cf means default");
    }

    @Test
    void missingKeyIsNotFoundNotAnError() {
        final RawGetResponse r = get("default", "no-such-key");
        assertTrue(r.getNotFound());
        assertEquals("", r.getError());
        assertTrue(r.getValue().isEmpty());
        put("default", "empty-value", "");
        assertFalse(get("default", "empty-value").getNotFound(), "an empty value is a value");
    }

    @Test
    void scanBoundaries() {
        for (String k : new String[] {"s1", "s2", "s3", "s4"}) {
            put("write", k, "w" + k);
        }
        assertEquals(List.of(), scan("write", "s", 0), "limit 0");
        assertEquals(List.of("s1=ws1"), scan("write", "s", 1), "limit 1");
        assertEquals(List.of("s2=ws2", "s3=ws3"), scan("write", "s2", 2), "start key is inclusive");
        assertEquals(List.of("s3=ws3", "s4=ws4"), scan("write", "s21", 10), "start between keys");
        assertEquals(List.of(), scan("write", "s5", 10), "start past the last key");
        assertEquals(List.of(), scan("write", "\u00ff", 10), "start past every key");
        assertEquals(4, scan("write", "s", -1).size(), "uint32 limit 4294967295");
        put("lock", "s0", "other-cf");
        assertEquals(List.of("s1=ws1"), scan("write", "s", 1), "column families are separate");
    }

    @Test
    void unknownColumnFamilyIsReportedInTheErrorField() {
        for (String cf : new String[] {"raft", "nope", "DEFAULT"}) {
            final RawGetResponse g = get(cf, "k");
            assertTrue(g.getError().contains("unknown column family"), g.getError());
            assertTrue(kv().rawPut(RawPutRequest.newBuilder().setCf(cf).setKey(bs("k")).setValue(bs("v")).build())
                .getError().contains(cf));
            assertTrue(kv().rawDelete(RawDeleteRequest.newBuilder().setCf(cf).setKey(bs("k")).build())
                .getError().contains(cf));
            final RawScanResponse s = kv().rawScan(RawScanRequest.newBuilder().setCf(cf).setLimit(5).build());
            assertTrue(s.getError().contains(cf));
            assertEquals(0, s.getKvsCount());
        }
        put("default", "after-bad-cf", "still-serving");
        assertEquals("still-serving", get("default", "after-bad-cf").getValue().toStringUtf8());
    }

    @Test
    void emptyKeysAreReportedInTheErrorField() {
        assertEquals("key cannot be empty", get("default", "").getError());
        assertEquals("key cannot be empty", kv().rawPut(RawPutRequest.newBuilder().setCf("default")
            .setKey(ByteString.EMPTY).setValue(bs("v")).build()).getError());
        assertEquals("key cannot be empty", kv().rawDelete(RawDeleteRequest.newBuilder().setCf("write")
            .setKey(ByteString.EMPTY).build()).getError());
    }

    @Test
    void oversizedRequestGetsResourceExhaustedAndTheServerCarriesOn() {
        final ByteString big = ByteString.copyFrom(new byte[11 << 20]);
        final StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> kv().rawPut(RawPutRequest.newBuilder().setCf("default").setKey(bs("big")).setValue(big).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertTrue(get("default", "big").getNotFound());
        final ByteString justUnder = ByteString.copyFrom(new byte[(10 << 20) - 1024]);
        assertEquals("", kv().rawPut(RawPutRequest.newBuilder().setCf("default").setKey(bs("big")).setValue(justUnder)
            .build()).getError());
        assertEquals(justUnder.size(), get("default", "big").getValue().size());
    }

    @Test
    void coprocessorAndRaftRpcsAreUnimplemented() throws Exception {
        final StatusRuntimeException cop = assertThrows(StatusRuntimeException.class,
            () -> kv().coprocessor(Request.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, cop.getStatus().getCode());
        final CompletableFuture<Throwable> raftError = new CompletableFuture<>();
        final StreamObserver<RaftMessage> raft = TinyKvGrpc.newStub(channel).raft(new StreamObserver<Done>() {
            @Override
            public void onNext(final Done value) {
                raftError.complete(null);
            }

            @Override
            public void onError(final Throwable t) {
                raftError.complete(t);
            }

            @Override
            public void onCompleted() {
                raftError.complete(null);
            }
        });
        raft.onNext(RaftMessage.getDefaultInstance());
        raft.onCompleted();
        final Throwable t = raftError.get(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.UNIMPLEMENTED, Status.fromThrowable(t).getCode());
        assertTrue(server.grpcMetrics().count("tinykvpb.TinyKv/Coprocessor", "UNIMPLEMENTED") >= 1);
    }

    @Test
    void sixteenConcurrentClients() throws Exception {
        final int clients = 16;
        final int perClient = 40;
        final ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            final List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                final int client = c;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        final String key = String.format("conc-%02d-%03d", client, i);
                        put("default", key, "v" + client + "." + i);
                        assertEquals("v" + client + "." + i, get("default", key).getValue().toStringUtf8());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        final List<String> all = scan("default", "conc-", clients * perClient + 10);
        final List<String> ours = all.stream().filter(s -> s.startsWith("conc-")).toList();
        assertEquals(clients * perClient, ours.size());
        assertEquals("conc-00-000=v0.0", ours.get(0));
        assertEquals("conc-15-039=v15.39", ours.get(ours.size() - 1));
        assertTrue(server.grpcMetrics().count("tinykvpb.TinyKv/RawPut", "OK") >= clients * perClient);
    }

    @Test
    void anAddressInUseFailsTheStartAndReleasesTheDataDirectory(@TempDir final Path other) throws Exception {
        final ServerConfig clash = ServerConfig.builder().path(other).standalone(true)
            .addr(HostPort.parse("127.0.0.1:" + server.grpcAddress().getPort()))
            .statusAddr(HostPort.parse("127.0.0.1:0")).build();
        assertThrows(IOException.class, () -> TinyKvServer.start(clash, System::nanoTime));
        final ServerConfig ok = ServerConfig.builder().path(other).standalone(true)
            .addr(HostPort.parse("127.0.0.1:0")).statusAddr(HostPort.parse("127.0.0.1:0")).build();
        TinyKvServer.start(ok, System::nanoTime).close();
    }

    @Test
    void binaryKeysRoundTrip() {
        final ByteString key = ByteString.copyFrom(new byte[] {0, (byte) 0xff, 0, 1});
        final ByteString value = ByteString.copyFrom(new byte[] {(byte) 0x80, 0, 0});
        kv().rawPut(RawPutRequest.newBuilder().setCf("lock").setKey(key).setValue(value).build());
        assertEquals(value, kv().rawGet(RawGetRequest.newBuilder().setCf("lock").setKey(key).build()).getValue());
    }
}
