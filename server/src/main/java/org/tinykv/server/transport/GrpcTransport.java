package org.tinykv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.multiraft.transport.SnapshotThrottle;
import org.tinykv.multiraft.transport.Transport;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.raft_serverpb.RaftMessage;

/**
 * multiraft's {@link Transport} over gRPC (TinyKV's raft_client.go and snap_runner.go). {@link #send} puts the
 * message in its destination store's bounded queue (see {@link StoreConnection}: one {@code Raft} client stream per
 * store, drained by two sender threads, messages dropped when the queue is full or the stream breaks; raft
 * retransmits). {@link #sendSnapshot} runs the transfer on a small pool ({@link SnapshotSender}: the message, then
 * the files in chunks of at most 1 MiB, all transfers together throttled to {@code snapshotBytesPerSecond} of the
 * injected clock) and calls {@code done} exactly once: true only after the receiver answered Done. Store addresses
 * come from a {@link StoreAddressResolver}. Neither method blocks.
 *
 * <p>Thread-safety: safe for concurrent callers. {@link #close} stops everything promptly: queued messages are
 * dropped, transfers in progress or waiting are failed ({@code done(false)}).
 */
public final class GrpcTransport implements Transport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcTransport.class);
    /**
     * Pings on an idle connection (grpc-java's lowest client value; tinykv-server permits one every 5 s). A store
     * cut off without its connection closing (a network partition, a frozen machine) then breaks the stream within
     * about 13 s, and its unreachable report wakes the hibernating regions it led.
     */
    private static final long KEEPALIVE_SECONDS = 10;
    private static final long KEEPALIVE_TIMEOUT_SECONDS = 3;

    private final StoreAddressResolver resolver;
    private final TransportOptions opts;
    private final LongSupplier nanoClock;
    private final Function<String, ManagedChannel> channels;
    private final ScheduledThreadPoolExecutor sender;
    private final ThreadPoolExecutor snapshotPool;
    private final ConcurrentHashMap<Long, StoreConnection> conns = new ConcurrentHashMap<>();
    private final Set<SnapshotTask> snapshotTasks = ConcurrentHashMap.newKeySet();
    private final TransportMetrics metrics = new TransportMetrics();
    private final SnapshotThrottle throttle;
    private volatile LongConsumer unreachableListener = id -> { };
    private volatile boolean closed;

    /** A transport resolving stores with {@code resolver}, on the system clock. */
    public GrpcTransport(final StoreAddressResolver resolver, final TransportOptions opts) {
        this(resolver, opts, System::nanoTime);
    }

    /** A transport whose backoff and snapshot throttle run on {@code nanoClock} (nanoseconds, monotonic). */
    public GrpcTransport(final StoreAddressResolver resolver, final TransportOptions opts,
                         final LongSupplier nanoClock) {
        this.resolver = resolver;
        this.opts = opts;
        this.nanoClock = nanoClock;
        this.throttle = new SnapshotThrottle(opts.snapshotBytesPerSecond());
        this.channels = GrpcTransport::newChannel;
        this.sender = new ScheduledThreadPoolExecutor(2, daemon("raft-sender"));
        this.sender.setRemoveOnCancelPolicy(true);
        this.sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.snapshotPool = new ThreadPoolExecutor(opts.snapshotThreads(), opts.snapshotThreads(), 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemon("snapshot-sender"));
    }

    private static java.util.concurrent.ThreadFactory daemon(final String name) {
        final AtomicInteger n = new AtomicInteger();
        return r -> {
            final Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static ManagedChannel newChannel(final String address) {
        final int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("store address must be host:port: " + address);
        }
        // no gRPC retries: raft tolerates lost messages, and a retriable stream keeps a copy of every message it
        // sends until the call commits
        return NettyChannelBuilder.forAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))).usePlaintext().disableRetry()
                .maxInboundMessageSize(16 << 20).keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS).keepAliveWithoutCalls(true).build();
    }

    @Override
    public void send(final RaftMessage message) {
        if (closed) {
            metrics.droppedClosed.incrementAndGet();
            return;
        }
        final long to = message.getToPeer().getStoreId();
        conns.computeIfAbsent(to, id -> new StoreConnection(id, resolver, sender, metrics, channels, nanoClock,
                opts, this::storeUnreachable)).enqueue(message);
        if (closed) {
            final StoreConnection c = conns.remove(to);
            if (c != null) {
                c.close();
            }
        }
    }

    /**
     * Calls {@code listener} with a store's id whenever the stream to it breaks or cannot be opened (on a sender
     * thread; it must only enqueue).
     */
    public void setUnreachableListener(final LongConsumer listener) {
        this.unreachableListener = listener;
    }

    private void storeUnreachable(final long storeId) {
        try {
            unreachableListener.accept(storeId);
        } catch (final RuntimeException e) {
            LOG.warn("event=unreachable_listener_failed store={} error=\"{}\"", storeId, e.toString());
        }
    }

    @Override
    public void sendSnapshot(final RaftMessage message, final SnapshotFiles files, final Consumer<Boolean> done) {
        if (message.getMessage().getMsgType() != MessageType.MsgSnapshot) {
            throw new IllegalArgumentException("not a snapshot message: " + message.getMessage().getMsgType());
        }
        final SnapshotTask task = new SnapshotTask(message, files, done);
        snapshotTasks.add(task);
        if (closed) {
            task.finish(false);
            return;
        }
        try {
            snapshotPool.execute(task);
        } catch (final RejectedExecutionException e) {
            task.finish(false);
        }
    }

    /** One queued or running snapshot transfer; {@code done} runs exactly once. */
    private final class SnapshotTask implements Runnable {
        private final RaftMessage msg;
        private final SnapshotFiles files;
        private final Consumer<Boolean> done;
        private final AtomicBoolean finished = new AtomicBoolean();

        SnapshotTask(final RaftMessage msg, final SnapshotFiles files, final Consumer<Boolean> done) {
            this.msg = msg;
            this.files = files;
            this.done = done;
        }

        @Override
        public void run() {
            if (closed) {
                finish(false);
                return;
            }
            final long to = msg.getToPeer().getStoreId();
            final long started = nanoClock.getAsLong();
            ManagedChannel ch = null;
            try {
                final String addr = resolver.resolve(to);
                ch = channels.apply(addr);
                new SnapshotSender(ch, this::pace, opts, nanoClock, metrics).send(msg, files);
                LOG.info("event=snapshot_sent store={} region={} bytes={} ms={}", to, msg.getRegionId(),
                        files.totalBytes(), (nanoClock.getAsLong() - started) / 1_000_000);
                finish(true);
            } catch (final IOException | RuntimeException e) {
                LOG.warn("event=snapshot_send_failed store={} region={} error=\"{}\"", to, msg.getRegionId(),
                        e.getMessage());
                resolver.invalidate(to);
                finish(false);
            } catch (final InterruptedException e) {
                finish(false);
                Thread.currentThread().interrupt();
            } finally {
                if (ch != null) {
                    ch.shutdownNow();
                }
            }
        }

        private void pace(final int bytes) throws InterruptedException {
            final long nowMillis = nanoClock.getAsLong() / 1_000_000;
            final long until;
            synchronized (throttle) {
                until = throttle.reserve(nowMillis, bytes);
            }
            long left;
            while ((left = until * 1_000_000 - nanoClock.getAsLong()) > 0) {
                if (closed || Thread.interrupted()) {
                    throw new InterruptedException("transport closed");
                }
                LockSupport.parkNanos(this, left);
            }
        }

        void finish(final boolean ok) {
            if (finished.compareAndSet(false, true)) {
                snapshotTasks.remove(this);
                if (ok) {
                    metrics.snapshotsSent.incrementAndGet();
                } else {
                    metrics.snapshotsFailed.incrementAndGet();
                }
                try {
                    done.accept(ok);
                } catch (final RuntimeException e) {
                    LOG.warn("event=snapshot_done_callback_failed region={} error=\"{}\"", msg.getRegionId(),
                            e.toString());
                }
            }
        }
    }

    /** The counters. */
    public TransportMetrics metrics() {
        return metrics;
    }

    /** Stores with a connection (tests, status). */
    public int connectedStores() {
        return conns.size();
    }

    /**
     * Stops the sender threads and the snapshot pool, cancels every stream and closes the channels; every
     * unfinished snapshot transfer gets {@code done(false)}. Returns within about a second.
     */
    @Override
    public void close() {
        closed = true;
        sender.shutdownNow();
        snapshotPool.shutdownNow();
        for (final StoreConnection c : new ArrayList<>(conns.values())) {
            c.close();
        }
        conns.clear();
        try {
            sender.awaitTermination(1, TimeUnit.SECONDS);
            snapshotPool.awaitTermination(1, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final List<SnapshotTask> left = new ArrayList<>(snapshotTasks);
        for (final SnapshotTask t : left) {
            t.finish(false);
        }
    }
}
