package org.tinykv.server;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.server.cluster.ReplicatedStore;
import org.tinykv.server.service.KvService;
import org.tinykv.server.status.GrpcMetrics;
import org.tinykv.server.status.MetricsInterceptor;
import org.tinykv.server.status.Sample;
import org.tinykv.server.status.StatusServer;
import org.tinykv.server.storage.AsyncRawKv;

/**
 * A running store: its backend (a standalone engine, or a replicated store with its scheduler client and raft
 * transport), the gRPC server on {@link ServerConfig#addr()} and the status server on
 * {@link ServerConfig#statusAddr()}.
 *
 * <p>{@link #close()} shuts down gracefully: it stops accepting calls, lets in-flight calls (and so in-flight synced
 * writes) finish within the grace period, stops the status server, then flushes and closes the engine and releases
 * the data directory's lock. It is idempotent and safe to call from a shutdown hook.
 */
public final class TinyKvServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(TinyKvServer.class);
    /** Clients such as TinySQL ping every 10 s; allow a little more often than that. */
    private static final long PERMIT_KEEPALIVE_SECONDS = 5;
    private static final int MAX_CALLS_PER_CONNECTION = 1024;
    private static final long UNARY_DRAIN_POLL_MILLIS = 5;
    /** Threads for the inbound Raft and Snapshot streams of other stores (each message is only enqueued). */
    private static final int STREAM_THREADS = 2;
    /** Hash slots of the transaction latches: enough that unrelated keys rarely share one. */
    static final int LATCH_SLOTS = 4096;

    private final ServerConfig config;
    private final StoreBackend backend;
    private final ExecutorService executor;
    private final ExecutorService streamExecutor;
    private final Server grpc;
    private final GrpcMetrics grpcMetrics;
    private final MetricsInterceptor interceptor;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private StatusServer status;
    private boolean closed;

    private TinyKvServer(final ServerConfig config, final StoreBackend backend, final ExecutorService executor,
                         final ExecutorService streamExecutor, final Server grpc, final GrpcMetrics grpcMetrics,
                         final MetricsInterceptor interceptor, final LongSupplier nanoClock) {
        this.interceptor = interceptor;
        this.config = config;
        this.backend = backend;
        this.executor = executor;
        this.streamExecutor = streamExecutor;
        this.grpc = grpc;
        this.grpcMetrics = grpcMetrics;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /**
     * Opens the backend and starts both servers. A replicated store first joins (or bootstraps) the scheduler's
     * cluster, opens its regions and starts its raft workers; only then does it accept RPCs.
     *
     * @param config    a validated configuration
     * @param nanoClock a monotonic clock (normally {@code System::nanoTime})
     * @throws IOException if the data directory is locked or unreadable, the scheduler cannot be reached by a store
     *                     that never joined, or an address cannot be bound
     */
    public static TinyKvServer start(final ServerConfig config, final LongSupplier nanoClock) throws IOException {
        final StoreBackend storage = config.standalone() ? StandaloneBackend.open(config)
            : ReplicatedStore.open(config);
        final GrpcMetrics grpcMetrics = new GrpcMetrics();
        final ExecutorService executor = handlerExecutor(config.grpcThreads(), "grpc-handler-");
        final ExecutorService streamExecutor = handlerExecutor(STREAM_THREADS, "snapshot-stream-");
        final MetricsInterceptor interceptor = new MetricsInterceptor(grpcMetrics, nanoClock);
        TinyKvServer server = null;
        try {
            final Server grpc = NettyServerBuilder.forAddress(config.addr().toSocketAddress())
                .directExecutor()
                .callExecutor(new CallExecutors(executor, streamExecutor, storage.raw() instanceof AsyncRawKv,
                    storage.pointReadsAreLocal()))
                .maxInboundMessageSize(config.maxRecvMessageBytes())
                .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .addService(ServerInterceptors.intercept(new KvService(storage.raw(), storage.transactions(),
                    storage.raftEndpoint()), interceptor))
                .build();
            server = new TinyKvServer(config, storage, executor, streamExecutor, grpc, grpcMetrics, interceptor,
                nanoClock);
            grpc.start();
            server.status = StatusServer.start(config.statusAddr().toSocketAddress(), server::samples, grpcMetrics,
                server::statusObject);
            LOG.info("tinykv-server started: mode={} grpc={} status={} path={}", storage.mode(),
                server.grpcAddress(), server.statusAddress(), config.path());
            return server;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            } else {
                executor.shutdownNow();
                streamExecutor.shutdownNow();
                storage.close();
            }
            throw e;
        }
    }

    private static ExecutorService handlerExecutor(final int threads, final String name) {
        final AtomicInteger n = new AtomicInteger();
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                final Thread t = new Thread(r, name + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The bound gRPC address (with the real port if port 0 was asked for). */
    public InetSocketAddress grpcAddress() {
        return (InetSocketAddress) grpc.getListenSockets().get(0);
    }

    /** The bound status address. */
    public InetSocketAddress statusAddress() {
        return new InetSocketAddress(config.statusAddr().host(), status.port());
    }

    /** The gRPC metrics of this server. */
    public GrpcMetrics grpcMetrics() {
        return grpcMetrics;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Shuts down gracefully (see the class comment). */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("tinykv-server shutting down");
        try {
            grpc.shutdown();
            final long graceMillis = config.shutdownGrace().toMillis();
            awaitUnaryCalls(graceMillis);
            // Other stores keep their raft streams open for as long as they run: end them once the calls that
            // needed their messages (acks of in-flight writes) are answered.
            backend.endStreams();
            if (!grpc.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("in-flight calls did not finish within {} ms; cancelling them", graceMillis);
                grpc.shutdownNow();
                grpc.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
            }
            executor.shutdown();
            streamExecutor.shutdown();
            if (!executor.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("RPC handlers still running after {} ms", graceMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            grpc.shutdownNow();
        } finally {
            if (status != null) {
                status.close();
            }
            try {
                backend.close();
                LOG.info("tinykv-server stopped; storage flushed and closed");
            } finally {
                terminated.countDown();
            }
        }
    }

    /** Waits (polling, at most {@code graceMillis}) until no unary call is in flight. */
    private void awaitUnaryCalls(final long graceMillis) throws InterruptedException {
        final long deadline = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        while (interceptor.inFlightUnaryCalls() > 0 && nanoClock.getAsLong() < deadline) {
            Thread.sleep(UNARY_DRAIN_POLL_MILLIS);
        }
    }

    private List<Sample> samples() {
        final List<Sample> out = new ArrayList<>(backend.samples());
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.add(Sample.gauge("tinykv_process_heap_used_bytes", "JVM heap in use.", heap.getUsed()));
        out.add(Sample.gauge("tinykv_process_heap_committed_bytes", "JVM heap committed.", heap.getCommitted()));
        out.add(Sample.gauge("tinykv_process_heap_max_bytes", "JVM heap limit (-Xmx).", heap.getMax()));
        out.add(Sample.gauge("tinykv_process_threads", "Live JVM threads.",
            ManagementFactory.getThreadMXBean().getThreadCount()));
        out.add(Sample.gauge("tinykv_process_uptime_seconds", "Seconds since the server started.", uptimeSeconds()));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            // what a benchmark divides by its operations to get the server's CPU per operation
            out.add(Sample.counter("tinykv_process_cpu_seconds_total", "CPU time used by the server process.",
                os.getProcessCpuTime() / 1e9));
        }
        return out;
    }

    private Map<String, ?> statusObject() {
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", backend.mode());
        out.put("grpc_addr", grpcAddress().getHostString() + ":" + grpcAddress().getPort());
        out.put("status_addr", statusAddress().getHostString() + ":" + statusAddress().getPort());
        out.put("scheduler_addr", config.schedulerAddr().toString());
        out.put("data_dir", config.path().toString());
        out.put("uptime_seconds", uptimeSeconds());
        out.put("heap_used_bytes", heap.getUsed());
        out.put("heap_max_bytes", heap.getMax());
        backend.describe(out);
        return out;
    }

    private double uptimeSeconds() {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }
}
