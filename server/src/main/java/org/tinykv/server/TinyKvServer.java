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
import org.tinykv.server.service.KvService;
import org.tinykv.server.status.EngineMetrics;
import org.tinykv.server.status.GrpcMetrics;
import org.tinykv.server.status.MetricsInterceptor;
import org.tinykv.server.status.Sample;
import org.tinykv.server.status.StatusServer;
import org.tinykv.server.storage.StandaloneStorage;
import org.tinykv.server.storage.StandaloneTxnEngine;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.latch.Latches;
import org.tinykv.wal.fs.OsFileSystem;

/**
 * A running standalone store: the storage, the gRPC server on {@link ServerConfig#addr()} and the status server on
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
    /** Hash slots of the transaction latches: enough that unrelated keys rarely share one. */
    private static final int LATCH_SLOTS = 4096;

    private final ServerConfig config;
    private final StandaloneStorage storage;
    private final ExecutorService executor;
    private final Server grpc;
    private final GrpcMetrics grpcMetrics;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private StatusServer status;
    private boolean closed;

    private TinyKvServer(final ServerConfig config, final StandaloneStorage storage, final ExecutorService executor,
                         final Server grpc, final GrpcMetrics grpcMetrics, final LongSupplier nanoClock) {
        this.config = config;
        this.storage = storage;
        this.executor = executor;
        this.grpc = grpc;
        this.grpcMetrics = grpcMetrics;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /**
     * Opens the storage and starts both servers.
     *
     * @param config    a validated configuration with {@code standalone} set
     * @param nanoClock a monotonic clock (normally {@code System::nanoTime})
     * @throws IllegalArgumentException if the configuration asks for replicated mode, which this build lacks
     * @throws IOException              if the data directory is locked or unreadable, or an address cannot be bound
     */
    public static TinyKvServer start(final ServerConfig config, final LongSupplier nanoClock) throws IOException {
        if (!config.standalone()) {
            throw new IllegalArgumentException(TinyKvServerMain.NO_REPLICATED_MODE);
        }
        final StandaloneStorage storage = StandaloneStorage.open(new OsFileSystem(), config.path(), config.storage());
        final GrpcMetrics grpcMetrics = new GrpcMetrics();
        final ExecutorService executor = handlerExecutor(config.grpcThreads());
        TinyKvServer server = null;
        try {
            final Server grpc = NettyServerBuilder.forAddress(config.addr().toSocketAddress())
                .executor(executor)
                .maxInboundMessageSize(config.maxRecvMessageBytes())
                .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .addService(ServerInterceptors.intercept(new KvService(storage, transactions(storage), null),
                    new MetricsInterceptor(grpcMetrics, nanoClock)))
                .build();
            server = new TinyKvServer(config, storage, executor, grpc, grpcMetrics, nanoClock);
            grpc.start();
            server.status = StatusServer.start(config.statusAddr().toSocketAddress(), server::samples, grpcMetrics,
                server::statusObject);
            LOG.info("tinykv-server started: mode=standalone grpc={} status={} path={}", server.grpcAddress(),
                server.statusAddress(), config.path());
            return server;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            } else {
                executor.shutdownNow();
                storage.close();
            }
            throw e;
        }
    }

    private static ExecutorService handlerExecutor(final int threads) {
        final AtomicInteger n = new AtomicInteger();
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                final Thread t = new Thread(r, "grpc-handler-" + n.incrementAndGet());
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
            if (!grpc.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("in-flight calls did not finish within {} ms; cancelling them", graceMillis);
                grpc.shutdownNow();
                grpc.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
            }
            executor.shutdown();
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
                storage.close();
                LOG.info("tinykv-server stopped; storage flushed and closed");
            } finally {
                terminated.countDown();
            }
        }
    }

    private List<Sample> samples() {
        final List<Sample> out = new ArrayList<>(EngineMetrics.samples(storage.stats()));
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.add(Sample.gauge("tinykv_process_heap_used_bytes", "JVM heap in use.", heap.getUsed()));
        out.add(Sample.gauge("tinykv_process_heap_committed_bytes", "JVM heap committed.", heap.getCommitted()));
        out.add(Sample.gauge("tinykv_process_heap_max_bytes", "JVM heap limit (-Xmx).", heap.getMax()));
        out.add(Sample.gauge("tinykv_process_threads", "Live JVM threads.",
            ManagementFactory.getThreadMXBean().getThreadCount()));
        out.add(Sample.gauge("tinykv_process_uptime_seconds", "Seconds since the server started.", uptimeSeconds()));
        return out;
    }

    private Map<String, ?> statusObject() {
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", "standalone");
        out.put("grpc_addr", grpcAddress().getHostString() + ":" + grpcAddress().getPort());
        out.put("status_addr", statusAddress().getHostString() + ":" + statusAddress().getPort());
        out.put("scheduler_addr", config.schedulerAddr().toString());
        out.put("data_dir", config.path().toString());
        out.put("uptime_seconds", uptimeSeconds());
        out.put("heap_used_bytes", heap.getUsed());
        out.put("heap_max_bytes", heap.getMax());
        final Map<String, Object> engine = new LinkedHashMap<>();
        for (Sample s : EngineMetrics.samples(storage.stats())) {
            engine.put(s.series(), s.value());
        }
        out.put("engine", engine);
        return out;
    }

    private double uptimeSeconds() {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }

    /** The Percolator commands over the same engine as the raw API, as in TinyKV's standalone storage. */
    private static TxnCommands transactions(final StandaloneStorage storage) {
        return new TxnCommands(new StandaloneTxnEngine(storage), new Latches(LATCH_SLOTS));
    }
}
