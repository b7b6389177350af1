package org.tinykv.server.transport;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.multiraft.store.Store;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.multiraft.transport.SnapshotReceiver;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;
import org.tinykv.server.service.RaftEndpoint;
import org.tinykv.wal.fs.FileSystem;

/**
 * The receiving side of the store-to-store RPCs (TinyKV's raft_server.go Raft/Snapshot): each message of a
 * {@code Raft} stream goes to the store ({@code Store::onRaftMessage}), and {@code Done} is answered when the sender
 * closes the stream. A {@code Snapshot} stream is written into a staging directory
 * {@code <snapDir>/rcv_net_<region>_<term>_<index>_<seq>} (unique per stream; the {@code rcv_} prefix lets the
 * store's startup clean-up remove leftovers of a crash), verified file by file (crc32c, size) and handed to the
 * store ({@code Store::receiveSnapshot}, which copies the files into its own {@code rcv_} directory); the staging
 * directory is deleted afterwards and on any failure. Malformed streams get INVALID_ARGUMENT (no message first, not
 * a MsgSnapshot, bad snapshot data, more bytes than the meta lists, refused by the store) or DATA_LOSS (checksum
 * mismatch, truncated stream) with the reason, and leave no files.
 *
 * <p>Thread-safety: safe; gRPC calls it concurrently for different streams.
 */
public final class RaftEndpointService implements RaftEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(RaftEndpointService.class);

    private final FileSystem fs;
    private final Path snapDir;
    private final Consumer<RaftMessage> onRaftMessage;
    private final SnapshotReceiver snapshots;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong messagesReceived = new AtomicLong();
    private final Set<InboundRaftStream> openStreams = ConcurrentHashMap.newKeySet();
    private final AtomicLong snapshotsAccepted = new AtomicLong();
    private final AtomicLong snapshotsRejected = new AtomicLong();
    private final AtomicLong snapshotsAborted = new AtomicLong();
    private final AtomicLong snapshotBytesReceived = new AtomicLong();

    /**
     * An endpoint staging snapshots under {@code snapDir} on {@code fs}, giving raft messages to
     * {@code onRaftMessage} and received snapshots to {@code snapshots}; both must only enqueue or copy.
     */
    public RaftEndpointService(final FileSystem fs, final Path snapDir, final Consumer<RaftMessage> onRaftMessage,
                               final SnapshotReceiver snapshots) {
        this.fs = fs;
        this.snapDir = snapDir;
        this.onRaftMessage = onRaftMessage;
        this.snapshots = snapshots;
    }

    /** The endpoint of {@code store}, whose snapshot directory is {@code snapDir} ({@code <data-dir>/snap}). */
    public static RaftEndpointService of(final Store store, final Path snapDir) {
        return new RaftEndpointService(store.snapManager().fs(), snapDir, store::onRaftMessage,
                store::receiveSnapshot);
    }

    @Override
    public StreamObserver<RaftMessage> raft(final StreamObserver<Done> done) {
        final InboundRaftStream stream = new InboundRaftStream(done);
        openStreams.add(stream);
        return stream;
    }

    /**
     * Ends every open {@code Raft} stream with UNAVAILABLE, so that a server shutting down does not wait for the
     * senders (other stores keep their streams open for as long as they run); the senders reconnect elsewhere or
     * later. New streams may still arrive until the gRPC server refuses them.
     */
    public void endStreams() {
        for (final InboundRaftStream s : openStreams) {
            s.end(Status.UNAVAILABLE.withDescription("store is shutting down"));
        }
    }

    /** One sender's stream: messages go to the store; the stream ends once, by the sender or by us. */
    private final class InboundRaftStream implements StreamObserver<RaftMessage> {
        private final StreamObserver<Done> done;
        private boolean ended;

        InboundRaftStream(final StreamObserver<Done> done) {
            this.done = done;
        }

        @Override
        public void onNext(final RaftMessage m) {
            messagesReceived.incrementAndGet();
            try {
                onRaftMessage.accept(m);
            } catch (final RuntimeException e) {
                LOG.warn("event=raft_message_failed region={} error=\"{}\"", m.getRegionId(), e.toString());
            }
        }

        @Override
        public synchronized void onError(final Throwable t) {
            ended = true;
            openStreams.remove(this);
        }

        @Override
        public synchronized void onCompleted() {
            if (!ended) {
                ended = true;
                done.onNext(Done.getDefaultInstance());
                done.onCompleted();
            }
            openStreams.remove(this);
        }

        synchronized void end(final Status status) {
            if (!ended) {
                ended = true;
                done.onError(status.asRuntimeException());
            }
            openStreams.remove(this);
        }
    }

    @Override
    public StreamObserver<SnapshotChunk> snapshot(final StreamObserver<Done> done) {
        return new IncomingSnapshot(this, done);
    }

    FileSystem fs() {
        return fs;
    }

    Path newStagingDir(final RaftMessage m) {
        return snapDir.resolve("rcv_net_" + m.getRegionId() + "_" + m.getMessage().getSnapshot().getMetadata()
                .getTerm() + "_" + m.getMessage().getSnapshot().getMetadata().getIndex() + "_"
                + seq.incrementAndGet());
    }

    boolean deliver(final RaftMessage m, final SnapshotFiles files) {
        return snapshots.receive(m, files);
    }

    void addBytesReceived(final long n) {
        snapshotBytesReceived.addAndGet(n);
    }

    void countAccepted() {
        snapshotsAccepted.incrementAndGet();
    }

    void countRejected() {
        snapshotsRejected.incrementAndGet();
    }

    void countAborted() {
        snapshotsAborted.incrementAndGet();
    }

    /** Raft messages received. */
    public long messagesReceived() {
        return messagesReceived.get();
    }

    /** Snapshots the store accepted (answered Done). */
    public long snapshotsAccepted() {
        return snapshotsAccepted.get();
    }

    /** Snapshot streams refused with an error status (malformed, corrupt, truncated, refused by the store). */
    public long snapshotsRejected() {
        return snapshotsRejected.get();
    }

    /** Snapshot streams the sender cancelled or that broke. */
    public long snapshotsAborted() {
        return snapshotsAborted.get();
    }

    /** Snapshot file bytes written to staging directories. */
    public long snapshotBytesReceived() {
        return snapshotBytesReceived.get();
    }
}
