package org.tinykv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;

/**
 * Real server processes: every acknowledged write survives SIGKILL and SIGTERM mid-write, a second server on the
 * same data directory is refused, and SIGTERM shuts down cleanly. Replay a run with {@code -Dtinykv.crash.seed=}.
 */
class ProcessLifecycleIT {

    private static final int WRITERS = 8;
    private static final int MAX_WRITES_PER_WRITER = 5_000;
    private static final String[] CFS = {"default", "lock", "write"};

    @TempDir
    Path dir;

    private static ManagedChannel channel(final int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static TinyKvGrpc.TinyKvBlockingStub stub(final ManagedChannel channel) {
        return TinyKvGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static long seed() {
        final long seed = Long.getLong("tinykv.crash.seed", new SplittableRandom().nextLong());
        System.out.println("ProcessLifecycleIT seed=" + seed + " (replay: -Dtinykv.crash.seed=" + seed + ")");
        return seed;
    }

    /** Concurrent writers of "v{writer}.{i}" to keys "w{writer}-{n}" in all CFs, until the server goes away. */
    private static final class Writers {
        final Map<String, String> acked = new ConcurrentHashMap<>();
        final AtomicInteger errors = new AtomicInteger();
        final CountDownLatch enough;
        final List<Thread> threads = new ArrayList<>();

        Writers(final ManagedChannel channel, final long seed, final int acksWanted) {
            enough = new CountDownLatch(acksWanted);
            for (int w = 0; w < WRITERS; w++) {
                final int writer = w;
                final SplittableRandom rnd = new SplittableRandom(seed + w);
                final Thread t = new Thread(() -> write(channel, writer, rnd), "writer-" + w);
                t.start();
                threads.add(t);
            }
        }

        private void write(final ManagedChannel channel, final int writer, final SplittableRandom rnd) {
            for (int i = 0; i < MAX_WRITES_PER_WRITER; i++) {
                final String key = "w" + writer + "-" + rnd.nextInt(300);
                final String value = "v" + writer + "." + i;
                final String cf = CFS[i % CFS.length];
                try {
                    final String error = stub(channel).rawPut(RawPutRequest.newBuilder().setCf(cf)
                        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build())
                        .getError();
                    if (!error.isEmpty()) {
                        errors.incrementAndGet();
                        return;
                    }
                } catch (StatusRuntimeException e) {
                    return; // the server went away: this write is not acknowledged
                }
                acked.put(cf + "/" + key, value);
                enough.countDown();
            }
        }

        void awaitEnough() throws InterruptedException {
            assertTrue(enough.await(120, TimeUnit.SECONDS), "too few writes acknowledged: " + acked.size());
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(60_000);
                assertFalse(t.isAlive(), "writer did not stop after the server went away");
            }
            assertEquals(0, errors.get(), "writes answered with an error");
            System.out.println("acknowledged writes (distinct keys): " + acked.size());
        }
    }

    /** Restarts a server on the data directory and checks every acknowledged write. */
    private void verifyAfterRestart(final Map<String, String> acked, final long seed) throws Exception {
        try (ChildServer child = ChildServer.start(dir)) {
            final ManagedChannel channel = channel(child.grpcPort());
            try {
                for (Map.Entry<String, String> e : acked.entrySet()) {
                    final String[] cfKey = e.getKey().split("/", 2);
                    final RawGetResponse r = stub(channel).rawGet(RawGetRequest.newBuilder().setCf(cfKey[0])
                        .setKey(ByteString.copyFromUtf8(cfKey[1])).build());
                    assertFalse(r.getNotFound(), "lost acknowledged write " + e + " seed=" + seed);
                    // A later, unacknowledged write of the same key by the same writer may also have landed.
                    final String got = r.getValue().toStringUtf8();
                    assertTrue(got.equals(e.getValue()) || sameWriterLater(got, e.getValue()),
                        "key " + e.getKey() + ": acknowledged " + e.getValue() + " but read " + got + " seed=" + seed);
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Values are "v{writer}.{i}"; a key is written by one writer only, so a larger i is a newer write. */
    private static boolean sameWriterLater(final String got, final String want) {
        final String[] g = got.substring(1).split("\\.");
        final String[] w = want.substring(1).split("\\.");
        return g[0].equals(w[0]) && Integer.parseInt(g[1]) > Integer.parseInt(w[1]);
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        final long seed = seed();
        final Writers writers;
        try (ChildServer child = ChildServer.start(dir)) {
            final ManagedChannel channel = channel(child.grpcPort());
            try {
                writers = new Writers(channel, seed, 400);
                writers.awaitEnough();
                child.kill9();
                writers.join();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(137, child.waitForExit(), "SIGKILL exit status");
        }
        verifyAfterRestart(writers.acked, seed);
    }

    @Test
    void aSecondServerIsRefusedAndSigtermMidWriteShutsDownCleanly() throws Exception {
        final long seed = seed();
        final Writers writers;
        try (ChildServer first = ChildServer.start(dir)) {
            final ManagedChannel channel = channel(first.grpcPort());
            try {
                writers = new Writers(channel, seed, 100);
                writers.awaitEnough();
                try (ChildServer second = ChildServer.start(dir)) {
                    assertEquals(1, second.waitForExit(), second.output());
                    assertTrue(second.output().contains("in use by another tinykv-server"), second.output());
                }
                first.terminate();
                writers.join();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(143, first.waitForExit(), first.output());
            assertTrue(first.output().contains("storage flushed and closed"), first.output());
        }
        verifyAfterRestart(writers.acked, seed);
    }
}
