package org.tinykv.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.proto.raft_serverpb.SnapshotMeta;
import org.tinykv.wal.fs.OsFileSystem;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;

/** {@link GrpcTransport} sending to {@link RaftEndpointService}s on loopback gRPC servers. */
@Timeout(90)
class GrpcTransportIT {
    @TempDir
    Path tmp;

    private final OsFileSystem fs = new OsFileSystem();
    private final Map<Long, String> addresses = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** One receiving store: its endpoint on a server, what arrived. */
    private final class Receiver {
        final LinkedBlockingQueue<RaftMessage> messages = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[][]> snapshots = new LinkedBlockingQueue<>();
        final Path snapDir;
        final RaftEndpointService endpoint;
        final EndpointServer server;

        Receiver(final long storeId, final Path snapDir) throws IOException {
            this.snapDir = snapDir;
            this.endpoint = new RaftEndpointService(fs, snapDir, messages::add, (m, files) -> {
                final byte[][] data = new byte[files.meta().getCfFilesCount()][];
                for (int i = 0; i < data.length; i++) {
                    data[i] = readAll(files.path(files.meta().getCfFiles(i)));
                }
                snapshots.add(data);
                return true;
            });
            this.server = new EndpointServer(endpoint);
            closing.add(server);
            addresses.put(storeId, server.address());
        }

        boolean stagingEmpty() throws IOException {
            return !fs.exists(snapDir) || fs.list(snapDir).isEmpty();
        }
    }

    private GrpcTransport transport(final TransportOptions opts) {
        final GrpcTransport t = new GrpcTransport(StoreAddressResolver.of(addresses), opts);
        closing.add(0, t);
        return t;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (final AutoCloseable c : closing) {
            c.close();
        }
    }

    private static RaftMessage msg(final long toStore, final long index) {
        return RaftMessage.newBuilder().setRegionId(1).setFromPeer(Peer.newBuilder().setId(11).setStoreId(1))
                .setToPeer(Peer.newBuilder().setId(10 + toStore).setStoreId(toStore))
                .setMessage(Message.newBuilder().setMsgType(MessageType.MsgAppend).setIndex(index)).build();
    }

    private byte[] readAll(final Path p) {
        try (RandomAccessFile in = fs.openRandomAccess(p)) {
            final byte[] b = new byte[(int) in.size()];
            int got = 0;
            while (got < b.length) {
                got += in.read(got, b, got, b.length - got);
            }
            return b;
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
    }

    private void write(final Path p, final byte[] b) throws IOException {
        try (WritableFile out = fs.create(p)) {
            out.append(b, 0, b.length);
            out.sync();
        }
    }

    @Test
    void messagesArriveInOrderPerStore() throws Exception {
        final Receiver r2 = new Receiver(2, tmp.resolve("s2"));
        final Receiver r3 = new Receiver(3, tmp.resolve("s3"));
        final GrpcTransport t = transport(TransportOptions.defaults(64L << 20));
        for (int i = 1; i <= 2000; i++) {
            t.send(msg(2 + i % 2, i));
        }
        for (final Receiver r : List.of(r2, r3)) {
            long last = 0;
            for (int n = 0; n < 1000; n++) {
                final RaftMessage m = r.messages.poll(20, TimeUnit.SECONDS);
                assertNotNull(m, "message " + n + " arrived");
                assertTrue(m.getMessage().getIndex() > last, "in order: " + m.getMessage().getIndex()
                        + " after " + last);
                last = m.getMessage().getIndex();
            }
        }
        assertEquals(2000, t.metrics().messagesSent());
        assertEquals(0, t.metrics().droppedQueueFull() + t.metrics().droppedBrokenStream());
        assertEquals(2, t.metrics().connects(), "one stream per store");
    }

    @Test
    void aReceiverThatRestartsGetsMessagesAgain() throws Exception {
        final Receiver first = new Receiver(2, tmp.resolve("s2"));
        final GrpcTransport t = transport(TransportOptions.defaults(64L << 20)
                .withReconnect(Duration.ofMillis(20), Duration.ofMillis(200)));
        t.send(msg(2, 1));
        assertNotNull(first.messages.poll(20, TimeUnit.SECONDS));
        first.server.close();
        final Receiver second = new Receiver(2, tmp.resolve("s2b"));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RaftMessage got = null;
        for (long i = 2; got == null && System.nanoTime() < deadline; i++) {
            t.send(msg(2, i));
            got = second.messages.poll(100, TimeUnit.MILLISECONDS);
        }
        assertNotNull(got, "the restarted receiver (new address) gets messages");
        assertTrue(t.metrics().streamFailures() >= 1);
        assertTrue(t.metrics().connects() >= 2);
    }

    @Test
    void aStoreCutOffWithoutItsConnectionClosingIsReportedUnreachableByKeepalive() throws Exception {
        final Receiver r = new Receiver(2, tmp.resolve("s2"));
        final BlackholeProxy proxy = new BlackholeProxy(r.server.address());
        closing.add(proxy);
        addresses.put(2L, proxy.address());
        final GrpcTransport t = transport(TransportOptions.defaults(64L << 20));
        final LinkedBlockingQueue<Long> unreachable = new LinkedBlockingQueue<>();
        t.setUnreachableListener(unreachable::add);
        t.send(msg(2, 1));
        assertNotNull(r.messages.poll(20, TimeUnit.SECONDS), "delivered through the proxy");
        proxy.blackhole();
        final long cutAt = System.nanoTime();
        final Long store = unreachable.poll(40, TimeUnit.SECONDS);
        assertEquals(2L, store, "keepalive noticed the silent store");
        System.out.println("GrpcTransportIT: a silent store was reported unreachable after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt) + " ms");
    }

    /** Files of a snapshot in {@code dir}: one per (cf, data) pair. */
    private SnapshotFiles files(final Path dir, final String[] cfs, final byte[][] data) throws IOException {
        fs.createDirectories(dir);
        final SnapshotMeta.Builder meta = SnapshotMeta.newBuilder();
        for (int i = 0; i < cfs.length; i++) {
            final SnapshotCFFile f = RaftEndpointServiceTest.file(cfs[i], data[i]);
            meta.addCfFiles(f);
            write(dir.resolve(cfs[i] + ".sst"), data[i]);
        }
        return new SnapshotFiles(fs, dir, meta.build());
    }

    private static CompletableFuture<Boolean> send(final GrpcTransport t, final SnapshotFiles files,
                                                   final long toStore) {
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        final RaftMessage m = RaftEndpointServiceTest.snapshotMessage(files.meta()).toBuilder()
                .setToPeer(Peer.newBuilder().setId(10 + toStore).setStoreId(toStore)).build();
        t.sendSnapshot(m, files, done::complete);
        return done;
    }

    @Test
    void aSnapshotOfSeveralMibArrivesByteExactAtTheThrottledRate() throws Exception {
        final long seed = Long.getLong("net.test.seed", System.nanoTime());
        System.out.println("aSnapshotOfSeveralMibArrivesByteExactAtTheThrottledRate seed=" + seed);
        final SplittableRandom rnd = new SplittableRandom(seed);
        final byte[] d = new byte[(3 << 20) + rnd.nextInt(100_000)];
        final byte[] w = new byte[(3 << 19) + rnd.nextInt(100_000)];
        rnd.nextBytes(d);
        rnd.nextBytes(w);
        final Receiver r = new Receiver(2, tmp.resolve("s2"));
        final long rate = 4L << 20;
        final GrpcTransport t = transport(TransportOptions.defaults(rate));
        final SnapshotFiles files = files(tmp.resolve("gen"), new String[] {"default", "lock", "write"},
                new byte[][] {d, new byte[0], w});
        final long t0 = System.nanoTime();
        assertTrue(send(t, files, 2).get(60, TimeUnit.SECONDS), "done(true)");
        final double secs = (System.nanoTime() - t0) / 1e9;
        final long total = d.length + w.length;
        final double expected = (double) total / rate;
        System.out.printf("snapshot of %d bytes at a limit of %d B/s took %.2f s (%.2f MiB/s)%n", total, rate, secs,
                total / secs / (1 << 20));
        assertTrue(secs >= 0.8 * expected, "throttled: " + secs + " s < 0.8 * " + expected + " s");
        assertTrue(secs < expected + 20, "took " + secs + " s");
        final byte[][] got = r.snapshots.poll(10, TimeUnit.SECONDS);
        assertNotNull(got);
        assertArrayEquals(d, got[0]);
        assertEquals(0, got[1].length);
        assertArrayEquals(w, got[2]);
        assertEquals(total, t.metrics().snapshotBytesSent());
        assertEquals(total, r.endpoint.snapshotBytesReceived());
        assertEquals(1, t.metrics().snapshotsSent());
        assertTrue(r.stagingEmpty());
    }

    private static void awaitTrue(final IoCondition c, final String what) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        final LinkedBlockingQueue<Object> pace = new LinkedBlockingQueue<>();
        while (!c.holds()) {
            assertTrue(System.nanoTime() < deadline, what);
            pace.poll(20, TimeUnit.MILLISECONDS);
        }
    }

    @FunctionalInterface
    private interface IoCondition {
        boolean holds() throws IOException;
    }

    @Test
    void corruptedTruncatedOrUndeliverableSnapshotsFailAndLeaveNoFiles() throws Exception {
        final Receiver r = new Receiver(2, tmp.resolve("s2"));
        final GrpcTransport t = transport(TransportOptions.defaults(64L << 20));
        final byte[] d = new byte[(2 << 20) + 1234];
        new SplittableRandom(1).nextBytes(d);

        final SnapshotFiles corrupt = files(tmp.resolve("gen1"), new String[] {"default"}, new byte[][] {d});
        final byte[] flipped = d.clone();
        flipped[(1 << 20) + 7] ^= 0x40;
        write(corrupt.dir().resolve("default.sst"), flipped);
        assertFalse(send(t, corrupt, 2).get(30, TimeUnit.SECONDS), "a corrupted chunk fails the transfer");
        assertTrue(r.stagingEmpty());

        final SnapshotFiles truncated = files(tmp.resolve("gen2"), new String[] {"default"}, new byte[][] {d});
        write(truncated.dir().resolve("default.sst"), java.util.Arrays.copyOf(d, 1 << 20));
        assertFalse(send(t, truncated, 2).get(30, TimeUnit.SECONDS), "a short file fails the transfer");
        awaitTrue(r::stagingEmpty, "the receiver removed the cancelled stream's files");

        assertFalse(send(t, truncated, 7).get(30, TimeUnit.SECONDS), "an unknown store fails the transfer");
        assertTrue(r.snapshots.isEmpty(), "nothing reached the store");
        assertEquals(3, t.metrics().snapshotsFailed());
        assertEquals(1, r.endpoint.snapshotsRejected());
    }

    @Test
    void closeFailsPendingSnapshotsPromptlyAndDropsLaterMessages() throws Exception {
        new Receiver(2, tmp.resolve("s2"));
        final GrpcTransport t = transport(TransportOptions.defaults(64 << 10));
        final SnapshotFiles files = files(tmp.resolve("gen"), new String[] {"default"},
                new byte[][] {new byte[1 << 20]});
        final CompletableFuture<Boolean> a = send(t, files, 2);
        final CompletableFuture<Boolean> b = send(t, files, 2);
        final CompletableFuture<Boolean> c = send(t, files, 2);
        final long t0 = System.nanoTime();
        t.close();
        assertFalse(a.get(5, TimeUnit.SECONDS));
        assertFalse(b.get(5, TimeUnit.SECONDS));
        assertFalse(c.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "closed promptly");
        t.send(msg(2, 1));
        assertEquals(1, t.metrics().droppedClosed());
        assertFalse(send(t, files, 2).get(5, TimeUnit.SECONDS));
    }
}
