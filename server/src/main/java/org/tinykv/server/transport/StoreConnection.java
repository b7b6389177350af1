package org.tinykv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.ReconnectBackoff;

/**
 * The raft messages to one store: a bounded queue drained onto one {@code Raft} client stream while the stream is
 * ready (gRPC flow control; consecutive messages are flushed together). The caller of {@link #enqueue} (a raft
 * worker) writes the queue onto an open, ready stream itself when no one else is: a hop to a sender thread cost a
 * scheduling delay on every commit. The transport's sender threads do everything that may wait (resolving the
 * address, connecting, backing off) and drain what the callers left (stream not ready, lock busy). The stream is
 * opened lazily; when it breaks (or the store cannot be resolved or reached) the queue is dropped, the address is
 * invalidated, the channel closed, and the next connection waits a backoff that doubles up to the maximum (it
 * restarts from the minimum once a stream had lived longer than the maximum).
 *
 * <p>Thread-safety: {@link #enqueue} is safe from any thread; the stream state is guarded by {@code lock} and
 * opened or closed only on sender threads.
 */
final class StoreConnection {
    private static final Logger LOG = LoggerFactory.getLogger(StoreConnection.class);

    private final long storeId;
    private final StoreAddressResolver resolver;
    private final ScheduledExecutorService exec;
    private final TransportMetrics metrics;
    private final Function<String, ManagedChannel> channels;
    private final LongSupplier nanoClock;
    private final ReconnectBackoff backoff;
    private final LongConsumer unreachable;
    private final ArrayBlockingQueue<RaftMessage> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    // guarded by lock
    private ManagedChannel channel;
    private String address;
    private ClientCallStreamObserver<RaftMessage> stream;
    private long generation;
    private long openedAtNanos;
    private long retryAtNanos;
    private boolean retryScheduled;

    StoreConnection(final long storeId, final StoreAddressResolver resolver, final ScheduledExecutorService exec,
                    final TransportMetrics metrics, final Function<String, ManagedChannel> channels,
                    final LongSupplier nanoClock, final TransportOptions opts, final LongConsumer unreachable) {
        this.storeId = storeId;
        this.unreachable = unreachable;
        this.resolver = resolver;
        this.exec = exec;
        this.metrics = metrics;
        this.channels = channels;
        this.nanoClock = nanoClock;
        this.backoff = new ReconnectBackoff(opts.reconnectMin(), opts.reconnectMax());
        this.queue = new ArrayBlockingQueue<>(opts.queueCapacity());
    }

    /** Queues {@code msg}; drops it if the queue is full or the connection closed. Never blocks. */
    void enqueue(final RaftMessage msg) {
        if (closed) {
            metrics.droppedClosed.incrementAndGet();
            return;
        }
        if (!queue.offer(msg)) {
            metrics.droppedQueueFull.incrementAndGet();
        }
        if (lock.tryLock()) {
            try {
                if (stream != null && !closed) {
                    writeReady();
                    if (queue.isEmpty()) {
                        return;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (!closed && drainScheduled.compareAndSet(false, true)) {
            try {
                exec.execute(this::drain);
            } catch (final RejectedExecutionException e) {
                drainScheduled.set(false);
            }
        }
    }

    private void drain() {
        lock.lock();
        try {
            drainScheduled.set(false);
            if (closed) {
                dropQueue(metrics.droppedClosed);
                return;
            }
            if (stream == null && !connect()) {
                return;
            }
            writeReady();
        } finally {
            lock.unlock();
        }
    }

    /** Writes queued messages while the stream is ready. Requires {@code lock} and an open stream. */
    private void writeReady() {
        while (stream != null && stream.isReady()) {
            final RaftMessage m = queue.poll();
            if (m == null) {
                return;
            }
            try {
                stream.onNext(m);
                metrics.sent.incrementAndGet();
            } catch (final RuntimeException e) {
                stream.cancel("raft message send failed", e);
                broken(generation, Status.fromThrowable(e));
                return;
            }
        }
    }

    /** Opens the stream unless a backoff is pending; returns true if a stream is open. */
    private boolean connect() {
        final long now = nanoClock.getAsLong();
        if (now < retryAtNanos) {
            if (!retryScheduled) {
                retryScheduled = true;
                schedule(() -> {
                    lock.lock();
                    try {
                        retryScheduled = false;
                    } finally {
                        lock.unlock();
                    }
                    scheduleDrain();
                }, retryAtNanos - now);
            }
            return false;
        }
        final String addr;
        try {
            addr = resolver.resolve(storeId);
        } catch (final IOException | RuntimeException e) {
            broken(generation, Status.UNAVAILABLE.withDescription("cannot resolve store " + storeId + ": "
                    + e.getMessage()));
            return false;
        }
        if (channel == null || !addr.equals(address)) {
            if (channel != null) {
                channel.shutdownNow();
            }
            channel = channels.apply(addr);
            address = addr;
        }
        final long gen = ++generation;
        openedAtNanos = now;
        metrics.connects.incrementAndGet();
        stream = (ClientCallStreamObserver<RaftMessage>) TinyKvGrpc.newStub(channel).raft(
                new ClientResponseObserver<RaftMessage, Done>() {
                    @Override
                    public void beforeStart(final ClientCallStreamObserver<RaftMessage> s) {
                        s.setOnReadyHandler(StoreConnection.this::scheduleDrain);
                    }

                    @Override
                    public void onNext(final Done d) {
                    }

                    @Override
                    public void onError(final Throwable t) {
                        onSender(() -> broken(gen, Status.fromThrowable(t)));
                    }

                    @Override
                    public void onCompleted() {
                        onSender(() -> broken(gen, Status.UNAVAILABLE.withDescription("receiver ended the stream")));
                    }
                });
        LOG.debug("event=raft_stream_opened store={} address={}", storeId, addr);
        return true;
    }

    /** The stream of generation {@code gen} broke: drop it and the queue, back off before reconnecting. */
    private void broken(final long gen, final Status status) {
        lock.lock();
        try {
            brokenLocked(gen, status);
        } finally {
            lock.unlock();
        }
    }

    private void brokenLocked(final long gen, final Status status) {
        if (gen != generation || closed) {
            return;
        }
        generation++;
        metrics.streamFailures.incrementAndGet();
        stream = null;
        dropQueue(metrics.droppedBroken);
        resolver.invalidate(storeId);
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
            address = null;
        }
        final long now = nanoClock.getAsLong();
        final long delayNanos = backoff.nextDelayNanos(openedAtNanos, now);
        retryAtNanos = now + delayNanos;
        LOG.info("event=raft_stream_broken store={} code={} reason=\"{}\" retry_in_ms={}", storeId,
                status.getCode(), status.getDescription() != null ? status.getDescription()
                        : String.valueOf(status.getCause()), delayNanos / 1_000_000);
        unreachable.accept(storeId);
    }

    private void dropQueue(final AtomicLong counter) {
        int n = 0;
        while (queue.poll() != null) {
            n++;
        }
        counter.addAndGet(n);
    }

    private void onSender(final Runnable r) {
        try {
            exec.execute(r);
        } catch (final RejectedExecutionException e) {
            // transport closed
        }
    }

    private void schedule(final Runnable r, final long delayNanos) {
        try {
            exec.schedule(r, delayNanos, TimeUnit.NANOSECONDS);
        } catch (final RejectedExecutionException e) {
            // transport closed
        }
    }

    /** Cancels the stream, drops the queue and closes the channel. */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (stream != null) {
                stream.cancel("transport closed", null);
                stream = null;
            }
            dropQueue(metrics.droppedClosed);
            if (channel != null) {
                channel.shutdownNow();
                channel = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
