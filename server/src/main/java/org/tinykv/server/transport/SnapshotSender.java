package org.tinykv.server.transport;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.wal.fs.RandomAccessFile;

/**
 * One snapshot transfer over a {@code Snapshot} client stream on its own channel: the first chunk carries the
 * {@code MsgSnapshot} message (no data), then the files' bytes in {@code meta.cf_files} order, each chunk at most
 * {@code chunkBytes}, paced by the transport's throttle, and each written only when the stream is ready (so at most
 * one chunk is buffered). It succeeds only when the receiver answers {@code Done}.
 *
 * <p>Thread-safety: one transfer per instance, run on one thread.
 */
final class SnapshotSender {

    /** Waits until {@code bytes} more may be sent at the configured rate. */
    @FunctionalInterface
    interface Pacer {
        void pace(int bytes) throws InterruptedException;
    }

    private final ManagedChannel channel;
    private final Pacer pacer;
    private final int chunkBytes;
    private final long timeoutNanos;
    private final LongSupplier nanoClock;
    private final TransportMetrics metrics;
    private final Object gate = new Object();

    SnapshotSender(final ManagedChannel channel, final Pacer pacer, final TransportOptions opts,
                   final LongSupplier nanoClock, final TransportMetrics metrics) {
        this.channel = channel;
        this.pacer = pacer;
        this.chunkBytes = opts.chunkBytes();
        this.timeoutNanos = opts.snapshotTimeout().toNanos();
        this.nanoClock = nanoClock;
        this.metrics = metrics;
    }

    /**
     * Sends {@code msg} and {@code files}; returns normally once the receiver answered Done.
     *
     * @throws IOException          if a file is missing or shorter than its meta, the stream failed, or the
     *                              receiver refused the snapshot (its status is in the message)
     * @throws InterruptedException if the transport is closing
     */
    void send(final RaftMessage msg, final SnapshotFiles files) throws IOException, InterruptedException {
        final CompletableFuture<Void> result = new CompletableFuture<>();
        final ClientCallStreamObserver<SnapshotChunk> out = (ClientCallStreamObserver<SnapshotChunk>)
                TinyKvGrpc.newStub(channel).snapshot(new ClientResponseObserver<SnapshotChunk, Done>() {
                    private boolean done;

                    @Override
                    public void beforeStart(final ClientCallStreamObserver<SnapshotChunk> s) {
                        s.setOnReadyHandler(SnapshotSender.this::signal);
                    }

                    @Override
                    public void onNext(final Done d) {
                        done = true;
                    }

                    @Override
                    public void onError(final Throwable t) {
                        result.completeExceptionally(t);
                        signal();
                    }

                    @Override
                    public void onCompleted() {
                        if (done) {
                            result.complete(null);
                        } else {
                            result.completeExceptionally(new IOException("receiver closed without Done"));
                        }
                        signal();
                    }
                });
        boolean ok = false;
        try {
            awaitReady(out, result);
            out.onNext(SnapshotChunk.newBuilder().setMessage(msg).build());
            final byte[] buf = new byte[chunkBytes];
            for (final SnapshotCFFile f : files.meta().getCfFilesList()) {
                sendFile(files, f, buf, out, result);
            }
            out.onCompleted();
            awaitResult(result);
            ok = true;
        } finally {
            if (!ok) {
                out.cancel("snapshot transfer failed", null);
            }
        }
    }

    private void sendFile(final SnapshotFiles files, final SnapshotCFFile f, final byte[] buf,
                          final ClientCallStreamObserver<SnapshotChunk> out, final CompletableFuture<Void> result)
            throws IOException, InterruptedException {
        try (RandomAccessFile in = files.fs().openRandomAccess(files.path(f))) {
            final long size = f.getSize();
            if (in.size() != size) {
                throw new IOException("snapshot file " + files.path(f) + " has " + in.size() + " bytes, meta says "
                        + size);
            }
            long pos = 0;
            while (pos < size) {
                final int n = (int) Math.min(buf.length, size - pos);
                int got = 0;
                while (got < n) {
                    final int r = in.read(pos + got, buf, got, n - got);
                    if (r <= 0) {
                        throw new IOException("short read of " + files.path(f) + " at " + (pos + got));
                    }
                    got += r;
                }
                pacer.pace(n);
                awaitReady(out, result);
                out.onNext(SnapshotChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n)).build());
                metrics.snapshotBytesSent.addAndGet(n);
                pos += n;
            }
        }
    }

    private void signal() {
        synchronized (gate) {
            gate.notifyAll();
        }
    }

    /** Waits until the stream takes another message; fails if it ended or the timeout passed. */
    private void awaitReady(final ClientCallStreamObserver<SnapshotChunk> out, final CompletableFuture<Void> result)
            throws IOException, InterruptedException {
        final long deadline = nanoClock.getAsLong() + timeoutNanos;
        synchronized (gate) {
            while (!out.isReady()) {
                if (result.isDone()) {
                    awaitResult(result);
                    throw new IOException("receiver answered before the snapshot was complete");
                }
                final long left = deadline - nanoClock.getAsLong();
                if (left <= 0) {
                    throw new IOException("snapshot stream not ready within " + timeoutNanos / 1_000_000 + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(gate, left);
            }
        }
    }

    private void awaitResult(final CompletableFuture<Void> result) throws IOException, InterruptedException {
        try {
            result.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (final ExecutionException e) {
            final Status s = Status.fromThrowable(e.getCause());
            throw new IOException("snapshot refused: " + s.getCode()
                    + (s.getDescription() == null ? "" : " " + s.getDescription()), e.getCause());
        } catch (final TimeoutException e) {
            throw new IOException("no answer to the snapshot within " + timeoutNanos / 1_000_000 + " ms");
        }
    }
}
