package org.tinykv.server.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.multiraft.operation.snapshot.SnapManager;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.RaftSnapshotData;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;
import org.tinykv.proto.raft_serverpb.SnapshotMeta;
import org.tinykv.wal.fs.WritableFile;

/**
 * The receiving state of one {@code Snapshot} stream: checks the first chunk (a {@code MsgSnapshot} message whose
 * snapshot data lists the files), writes the data chunks into the files of a fresh staging directory in
 * {@code meta.cf_files} order (a chunk may span files), checks each file's crc32c and size as it completes, and on
 * the end of the stream hands the files to the store. Any failure, and a cancelled stream, deletes the staging
 * directory. gRPC serializes the calls of one stream; the file I/O runs on the calling gRPC thread, which also
 * gives flow control (the next chunk is read once this one is written).
 */
final class IncomingSnapshot implements StreamObserver<SnapshotChunk> {
    private static final Logger LOG = LoggerFactory.getLogger(IncomingSnapshot.class);

    private final RaftEndpointService owner;
    private final StreamObserver<Done> done;
    private RaftMessage msg;
    private SnapshotMeta meta;
    private Path dir;
    private int fileIdx;
    private long fileLeft;
    private WritableFile out;
    private final CRC32C crc = new CRC32C();
    private long expected;
    private long received;
    private boolean finished;

    IncomingSnapshot(final RaftEndpointService owner, final StreamObserver<Done> done) {
        this.owner = owner;
        this.done = done;
    }

    @Override
    public void onNext(final SnapshotChunk chunk) {
        if (finished) {
            return;
        }
        try {
            if (msg == null) {
                if (!start(chunk)) {
                    return;
                }
            } else if (chunk.hasMessage()) {
                fail(Status.INVALID_ARGUMENT, "a snapshot chunk after the first carries a message");
                return;
            }
            if (!chunk.getData().isEmpty()) {
                write(chunk.getData());
            }
        } catch (final IOException e) {
            fail(Status.INTERNAL, "writing snapshot files: " + e.getMessage());
        }
    }

    /** Checks the first chunk and creates the staging directory; returns false if the stream failed. */
    private boolean start(final SnapshotChunk chunk) throws IOException {
        if (!chunk.hasMessage()) {
            fail(Status.INVALID_ARGUMENT, "the first snapshot chunk must carry the MsgSnapshot raft message");
            return false;
        }
        final RaftMessage m = chunk.getMessage();
        if (m.getMessage().getMsgType() != MessageType.MsgSnapshot) {
            fail(Status.INVALID_ARGUMENT, "the first snapshot chunk carries " + m.getMessage().getMsgType()
                    + ", not MsgSnapshot");
            return false;
        }
        final RaftSnapshotData data;
        try {
            data = RaftSnapshotData.parseFrom(m.getMessage().getSnapshot().getData());
        } catch (final InvalidProtocolBufferException e) {
            fail(Status.INVALID_ARGUMENT, "bad snapshot data: " + e.getMessage());
            return false;
        }
        final Set<String> names = new HashSet<>();
        long total = 0;
        for (final SnapshotCFFile f : data.getMeta().getCfFilesList()) {
            if (!f.getCf().matches("[a-z0-9_]{1,32}") || !names.add(f.getCf())) {
                fail(Status.INVALID_ARGUMENT, "bad or duplicate column family name in snapshot meta: '"
                        + f.getCf() + "'");
                return false;
            }
            if (f.getSize() < 0 || Long.MAX_VALUE - total < f.getSize()) {
                fail(Status.INVALID_ARGUMENT, "bad file size in snapshot meta: " + Long.toUnsignedString(
                        f.getSize()));
                return false;
            }
            total += f.getSize();
        }
        msg = m;
        meta = data.getMeta();
        expected = total;
        dir = owner.newStagingDir(m);
        owner.fs().createDirectories(dir);
        nextFile();
        return true;
    }

    private SnapshotFiles files() {
        return new SnapshotFiles(owner.fs(), dir, meta);
    }

    /** Opens the next non-empty file (creating the empty ones on the way), or none when all are written. */
    private void nextFile() throws IOException {
        while (fileIdx < meta.getCfFilesCount()) {
            final SnapshotCFFile f = meta.getCfFiles(fileIdx);
            out = owner.fs().create(files().path(f));
            crc.reset();
            fileLeft = f.getSize();
            if (fileLeft > 0) {
                return;
            }
            if (!finishFile()) {
                return;
            }
        }
    }

    /** Syncs and closes the current file and checks its checksum; returns false if the stream failed. */
    private boolean finishFile() throws IOException {
        final SnapshotCFFile f = meta.getCfFiles(fileIdx);
        out.sync();
        out.close();
        out = null;
        fileIdx++;
        final int got = (int) crc.getValue();
        if (got != f.getChecksum()) {
            fail(Status.DATA_LOSS, "crc32c mismatch in snapshot file " + f.getCf() + ".sst: got "
                    + Integer.toHexString(got) + ", meta says " + Integer.toHexString(f.getChecksum()));
            return false;
        }
        return true;
    }

    private void write(final ByteString data) throws IOException {
        final ByteBuffer buf = data.asReadOnlyByteBuffer();
        while (buf.hasRemaining() && !finished) {
            if (out == null) {
                fail(Status.INVALID_ARGUMENT, "more bytes than the snapshot meta lists (" + expected + ")");
                return;
            }
            final int n = (int) Math.min(fileLeft, buf.remaining());
            final ByteBuffer piece = buf.slice();
            piece.limit(n);
            crc.update(piece.duplicate());
            out.append(piece);
            buf.position(buf.position() + n);
            fileLeft -= n;
            received += n;
            owner.addBytesReceived(n);
            if (fileLeft == 0 && finishFile()) {
                nextFile();
            }
        }
    }

    @Override
    public void onError(final Throwable t) {
        if (!finished) {
            finished = true;
            owner.countAborted();
            LOG.info("event=snapshot_receive_aborted region={} status=\"{}\"", msg == null ? 0 : msg.getRegionId(),
                    Status.fromThrowable(t));
            cleanup();
        }
    }

    @Override
    public void onCompleted() {
        if (finished) {
            return;
        }
        if (msg == null) {
            fail(Status.INVALID_ARGUMENT, "empty snapshot stream: no MsgSnapshot message");
            return;
        }
        if (received < expected || out != null) {
            fail(Status.DATA_LOSS, "truncated snapshot: received " + received + " of " + expected + " bytes");
            return;
        }
        final boolean accepted;
        try {
            owner.fs().syncDir(dir);
            accepted = owner.deliver(msg, files());
        } catch (final IOException | RuntimeException e) {
            fail(Status.INTERNAL, "handing the snapshot to the store: " + e);
            return;
        }
        if (!accepted) {
            fail(Status.INVALID_ARGUMENT, "the store refused the snapshot of region " + msg.getRegionId()
                    + " (not for this store, or its files failed verification)");
            return;
        }
        finished = true;
        cleanup();
        owner.countAccepted();
        done.onNext(Done.getDefaultInstance());
        done.onCompleted();
    }

    private void fail(final Status status, final String why) {
        finished = true;
        owner.countRejected();
        LOG.warn("event=snapshot_receive_failed region={} status={} why=\"{}\"", msg == null ? 0 : msg.getRegionId(),
                status.getCode(), why);
        cleanup();
        done.onError(status.withDescription(why).asRuntimeException());
    }

    private void cleanup() {
        if (out != null) {
            try {
                out.close();
            } catch (final IOException e) {
                LOG.debug("event=snapshot_file_close_failed error=\"{}\"", e.toString());
            }
            out = null;
        }
        if (dir != null) {
            try {
                SnapManager.deleteDir(owner.fs(), dir);
            } catch (final IOException e) {
                LOG.warn("event=snapshot_staging_delete_failed dir={} error=\"{}\"", dir, e.toString());
            }
        }
    }
}
