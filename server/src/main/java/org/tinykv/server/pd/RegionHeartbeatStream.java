package org.tinykv.server.pd;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.server.ReconnectBackoff;

/**
 * The one long-lived {@code RegionHeartbeat} bidi stream of a client. {@link #offer} never blocks: requests wait in
 * a bounded queue (the oldest is dropped when it is full) and one thread sends them while the stream is ready
 * (gRPC flow control), so a slow or absent scheduler costs at most the queue. A stream that ends or fails is
 * re-opened after a backoff (doubling from the minimum up to the maximum; reset by a response, or when the broken
 * stream had lived longer than the maximum). Responses without a header error go to the listener on a gRPC thread.
 *
 * <p>Thread-safety: {@link #offer}, {@link #setListener} and the getters are safe from any thread; the stream state
 * is confined to the client's single sender thread.
 */
final class RegionHeartbeatStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionHeartbeatStream.class);

    private final SchedulerGrpc.SchedulerStub stub;
    private final Runnable onUnavailable;
    private final ArrayBlockingQueue<RegionHeartbeatRequest> queue;
    private final ScheduledExecutorService exec;
    private final ReconnectBackoff backoff;
    private final LongSupplier nanoClock;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Consumer<RegionHeartbeatResponse> listener;

    // confined to exec's thread
    private ClientCallStreamObserver<RegionHeartbeatRequest> stream;
    private long generation;
    private long openedAtNanos;
    private boolean reopenScheduled;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong errorResponses = new AtomicLong();

    RegionHeartbeatStream(final SchedulerGrpc.SchedulerStub stub, final Runnable onUnavailable,
                          final SchedulerClientOptions opts, final LongSupplier nanoClock) {
        this.stub = stub;
        this.onUnavailable = onUnavailable;
        this.queue = new ArrayBlockingQueue<>(opts.heartbeatQueue());
        this.backoff = new ReconnectBackoff(opts.reconnectMin(), opts.reconnectMax());
        this.nanoClock = nanoClock;
        final ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            final Thread t = new Thread(r, "pd-region-heartbeat");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.exec = e;
    }

    void setListener(final Consumer<RegionHeartbeatResponse> l) {
        this.listener = l;
    }

    /** Queues {@code req} (dropping the oldest queued one if full) and wakes the sender. */
    void offer(final RegionHeartbeatRequest req) {
        if (closed) {
            dropped.incrementAndGet();
            return;
        }
        while (!queue.offer(req)) {
            if (queue.poll() != null) {
                dropped.incrementAndGet();
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
        drainScheduled.set(false);
        if (closed) {
            return;
        }
        if (stream == null) {
            if (reopenScheduled) {
                return;
            }
            open();
        }
        while (stream != null && stream.isReady()) {
            final RegionHeartbeatRequest req = queue.poll();
            if (req == null) {
                return;
            }
            try {
                stream.onNext(req);
                sent.incrementAndGet();
            } catch (final RuntimeException e) {
                LOG.warn("event=region_heartbeat_send_failed error=\"{}\"", e.toString());
                stream.cancel("send failed", e);
                return;
            }
        }
    }

    private void open() {
        final long gen = ++generation;
        openedAtNanos = nanoClock.getAsLong();
        opened.incrementAndGet();
        stream = (ClientCallStreamObserver<RegionHeartbeatRequest>) stub.regionHeartbeat(
                new ClientResponseObserver<RegionHeartbeatRequest, RegionHeartbeatResponse>() {
                    @Override
                    public void beforeStart(final ClientCallStreamObserver<RegionHeartbeatRequest> s) {
                        s.setOnReadyHandler(RegionHeartbeatStream.this::scheduleDrain);
                    }

                    @Override
                    public void onNext(final RegionHeartbeatResponse resp) {
                        onResponse(gen, resp);
                    }

                    @Override
                    public void onError(final Throwable t) {
                        onEnd(gen, Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        onEnd(gen, Status.UNAVAILABLE.withDescription("scheduler ended the heartbeat stream"));
                    }
                });
    }

    private void onResponse(final long gen, final RegionHeartbeatResponse resp) {
        responses.incrementAndGet();
        if (resp.getHeader().hasError() && resp.getHeader().getError().getTypeValue() != 0) {
            errorResponses.incrementAndGet();
            LOG.info("event=region_heartbeat_error type={} message=\"{}\"", resp.getHeader().getError().getType(),
                    resp.getHeader().getError().getMessage());
            return;
        }
        runOnSender(() -> {
            if (gen == generation) {
                backoff.reset();
            }
        });
        final Consumer<RegionHeartbeatResponse> l = listener;
        if (l != null) {
            try {
                l.accept(resp);
            } catch (final RuntimeException e) {
                LOG.warn("event=operator_listener_failed region={} error=\"{}\"", resp.getRegionId(), e.toString());
            }
        }
    }

    private void onEnd(final long gen, final Status status) {
        runOnSender(() -> {
            if (gen != generation || closed) {
                return;
            }
            stream = null;
            if (status.getCode() == Status.Code.UNAVAILABLE) {
                onUnavailable.run();
            }
            final long delayNanos = backoff.nextDelayNanos(openedAtNanos, nanoClock.getAsLong());
            LOG.info("event=region_heartbeat_stream_broken status={} reopen_in_ms={}", status,
                    delayNanos / 1_000_000);
            reopenScheduled = true;
            exec.schedule(() -> {
                reopenScheduled = false;
                drain();
            }, delayNanos, TimeUnit.NANOSECONDS);
        });
    }

    private void runOnSender(final Runnable r) {
        try {
            exec.execute(r);
        } catch (final RejectedExecutionException e) {
            // closed
        }
    }

    /** Requests handed to the stream. */
    long sent() {
        return sent.get();
    }

    /** Requests dropped (queue full or client closed). */
    long dropped() {
        return dropped.get();
    }

    /** Streams opened (the first one and every re-open). */
    long streamsOpened() {
        return opened.get();
    }

    /** Responses received, including those with a header error. */
    long responses() {
        return responses.get();
    }

    /** Responses with a header error (not given to the listener). */
    long errorResponses() {
        return errorResponses.get();
    }

    @Override
    public void close() {
        closed = true;
        runOnSender(() -> {
            if (stream != null) {
                stream.cancel("scheduler client closed", null);
                stream = null;
            }
        });
        exec.shutdown();
        try {
            if (!exec.awaitTermination(2, TimeUnit.SECONDS)) {
                exec.shutdownNow();
            }
        } catch (final InterruptedException e) {
            exec.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
