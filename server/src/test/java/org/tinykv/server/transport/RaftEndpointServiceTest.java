package org.tinykv.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.eraftpb.SnapshotMetadata;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.RaftSnapshotData;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;
import org.tinykv.proto.raft_serverpb.SnapshotMeta;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** The receiving side driven directly (no gRPC): raft streams, well-formed and malformed snapshot streams. */
class RaftEndpointServiceTest {
    private static final Path SNAP = Path.of("/store/snap");

    private final MemFileSystem fs = new MemFileSystem();
    private final List<RaftMessage> raftMessages = new ArrayList<>();
    private final List<byte[][]> received = new ArrayList<>();
    private boolean accept = true;
    private final RaftEndpointService svc = new RaftEndpointService(fs, SNAP, raftMessages::add, this::receive);

    private boolean receive(final RaftMessage m, final SnapshotFiles files) {
        final byte[][] data = new byte[files.meta().getCfFilesCount()][];
        for (int i = 0; i < data.length; i++) {
            data[i] = read(files, files.meta().getCfFiles(i));
        }
        received.add(data);
        return accept;
    }

    private static byte[] read(final SnapshotFiles files, final SnapshotCFFile f) {
        try (RandomAccessFile in = files.fs().openRandomAccess(files.path(f))) {
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

    /** Records what the service answers on a stream. */
    private static final class Answer implements StreamObserver<Done> {
        Done done;
        Status error;
        boolean completed;

        @Override
        public void onNext(final Done d) {
            done = d;
        }

        @Override
        public void onError(final Throwable t) {
            error = Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }

    static SnapshotCFFile file(final String cf, final byte[] data) {
        final CRC32C c = new CRC32C();
        c.update(data);
        return SnapshotCFFile.newBuilder().setCf(cf).setSize(data.length).setChecksum((int) c.getValue()).build();
    }

    static RaftMessage snapshotMessage(final SnapshotMeta meta) {
        final Snapshot s = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(50).setTerm(6))
                .setData(RaftSnapshotData.newBuilder().setMeta(meta).build().toByteString()).build();
        return RaftMessage.newBuilder().setRegionId(9).setFromPeer(Peer.newBuilder().setId(1).setStoreId(1))
                .setToPeer(Peer.newBuilder().setId(2).setStoreId(2))
                .setMessage(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setSnapshot(s)).build();
    }

    private static SnapshotChunk data(final byte[] b, final int from, final int to) {
        return SnapshotChunk.newBuilder().setData(ByteString.copyFrom(b, from, to - from)).build();
    }

    private void assertNoStagingFiles() throws IOException {
        assertTrue(!fs.exists(SNAP) || fs.list(SNAP).isEmpty(), "staging files left: "
                + (fs.exists(SNAP) ? fs.list(SNAP) : List.of()));
    }

    @Test
    void raftStreamForwardsEveryMessageAndAnswersDoneAtTheEnd() {
        final Answer a = new Answer();
        final StreamObserver<RaftMessage> in = svc.raft(a);
        for (int i = 1; i <= 3; i++) {
            in.onNext(RaftMessage.newBuilder().setRegionId(i).build());
        }
        assertNull(a.done);
        in.onCompleted();
        assertEquals(3, raftMessages.size());
        assertEquals(3, raftMessages.get(2).getRegionId());
        assertNotNull(a.done);
        assertTrue(a.completed);
        assertEquals(3, svc.messagesReceived());
    }

    @Test
    void snapshotWithChunksSpanningFilesArrivesExact() throws IOException {
        final long seed = Long.getLong("net.test.seed", System.nanoTime());
        System.out.println("snapshotWithChunksSpanningFilesArrivesExact seed=" + seed);
        final SplittableRandom rnd = new SplittableRandom(seed);
        final byte[] a = new byte[1000 + rnd.nextInt(5000)];
        final byte[] w = new byte[1 + rnd.nextInt(3000)];
        rnd.nextBytes(a);
        rnd.nextBytes(w);
        final SnapshotMeta meta = SnapshotMeta.newBuilder().addCfFiles(file("default", a))
                .addCfFiles(file("lock", new byte[0])).addCfFiles(file("write", w)).build();
        final byte[] all = new byte[a.length + w.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(w, 0, all, a.length, w.length);
        final Answer ans = new Answer();
        final StreamObserver<SnapshotChunk> in = svc.snapshot(ans);
        in.onNext(SnapshotChunk.newBuilder().setMessage(snapshotMessage(meta)).build());
        int pos = 0;
        while (pos < all.length) {
            final int n = Math.min(all.length - pos, 1 + rnd.nextInt(2000));
            in.onNext(data(all, pos, pos + n));
            pos += n;
        }
        in.onCompleted();
        assertNull(ans.error, () -> "seed=" + seed + " " + ans.error);
        assertNotNull(ans.done);
        assertEquals(1, received.size());
        assertArrayEquals(a, received.get(0)[0]);
        assertEquals(0, received.get(0)[1].length);
        assertArrayEquals(w, received.get(0)[2]);
        assertEquals(all.length, svc.snapshotBytesReceived());
        assertEquals(1, svc.snapshotsAccepted());
        assertNoStagingFiles();
    }

    private Status run(final SnapshotChunk... chunks) throws IOException {
        final Answer ans = new Answer();
        final StreamObserver<SnapshotChunk> in = svc.snapshot(ans);
        for (final SnapshotChunk c : chunks) {
            in.onNext(c);
        }
        if (ans.error == null) {
            in.onCompleted();
        }
        assertNoStagingFiles();
        return ans.error;
    }

    @Test
    void malformedStreamsGetAClearStatusAndLeaveNoFiles() throws IOException {
        final byte[] a = "0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final SnapshotMeta meta = SnapshotMeta.newBuilder().addCfFiles(file("default", a)).build();
        final SnapshotChunk first = SnapshotChunk.newBuilder().setMessage(snapshotMessage(meta)).build();

        Status s = run();
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode(), "empty stream");
        s = run(data(a, 0, 10));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("first snapshot chunk must carry"), s.getDescription());
        final RaftMessage append = snapshotMessage(meta).toBuilder().setMessage(Message.newBuilder()
                .setMsgType(MessageType.MsgAppend)).build();
        s = run(SnapshotChunk.newBuilder().setMessage(append).build());
        assertTrue(s.getDescription().contains("MsgAppend"), s.getDescription());
        s = run(first, data(a, 0, 10), data(a, 0, 1));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("more bytes than the snapshot meta"), s.getDescription());
        s = run(first, data(a, 0, 4));
        assertEquals(Status.Code.DATA_LOSS, s.getCode());
        assertTrue(s.getDescription().contains("truncated snapshot: received 4 of 10"), s.getDescription());
        final byte[] bad = a.clone();
        bad[3] ^= 1;
        s = run(first, data(bad, 0, 10));
        assertEquals(Status.Code.DATA_LOSS, s.getCode());
        assertTrue(s.getDescription().contains("crc32c mismatch"), s.getDescription());
        s = run(first, data(a, 0, 5), first);
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        final SnapshotMeta evil = SnapshotMeta.newBuilder().addCfFiles(file("../x", a)).build();
        s = run(SnapshotChunk.newBuilder().setMessage(snapshotMessage(evil)).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertEquals(0, received.size(), "nothing malformed reached the store");
        accept = false;
        s = run(first, data(a, 0, 10));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("refused"), s.getDescription());
        assertEquals(9, svc.snapshotsRejected());
    }

    @Test
    void aCancelledStreamLeavesNoFiles() throws IOException {
        final byte[] a = new byte[100];
        final SnapshotMeta meta = SnapshotMeta.newBuilder().addCfFiles(file("default", a)).build();
        final Answer ans = new Answer();
        final StreamObserver<SnapshotChunk> in = svc.snapshot(ans);
        in.onNext(SnapshotChunk.newBuilder().setMessage(snapshotMessage(meta)).build());
        in.onNext(data(a, 0, 50));
        assertEquals(1, fs.list(SNAP).size(), "staging dir exists while receiving");
        in.onError(Status.CANCELLED.asRuntimeException());
        assertNoStagingFiles();
        assertEquals(1, svc.snapshotsAborted());
        assertEquals(0, received.size());
    }
}
