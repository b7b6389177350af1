package org.tinykv.scheduler;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.schedulerpb.Member;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.config.HostPort;
import org.tinykv.scheduler.config.SchedulerConfig;
import org.tinykv.scheduler.id.IdAllocator;
import org.tinykv.scheduler.meta.MetaStore;
import org.tinykv.scheduler.operator.OperatorController;
import org.tinykv.scheduler.server.HeartbeatStreams;
import org.tinykv.scheduler.server.SchedulerService;
import org.tinykv.scheduler.server.StreamingRpcs;
import org.tinykv.scheduler.status.SchedulerMetrics;
import org.tinykv.scheduler.status.StatusServer;
import org.tinykv.scheduler.tso.TimestampOracle;
import org.tinykv.wal.fs.FileSystem;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

/**
 * One running scheduler: the data-dir LOCK (if any), the metadata store, the cluster state, TSO, id allocator,
 * operator controller, the gRPC server, the optional status server and the coordinator thread (which also renews
 * the TSO window). {@link #close()} stops everything in reverse order and releases the store and the lock. The
 * server owns the store and the lock handed to it. Thread-safe.
 */
public final class SchedulerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerServer.class);
    private static final long TICK_MILLIS = 50;

    private final Closeable lock;
    private final MetaStore store;
    private final ClusterState cluster;
    private final OperatorController oc;
    private final TimestampOracle tso;
    private final SchedulerMetrics metrics = new SchedulerMetrics();
    private final AtomicReference<Member> member = new AtomicReference<>();
    private final Coordinator coordinator;
    private Server grpc;
    private StatusServer status;
    private ScheduledExecutorService ticker;
    private boolean closed;

    private SchedulerServer(SchedulerConfig cfg, Closeable lock, MetaStore store, Clock clock, RandomGenerator rnd)
            throws IOException {
        this.lock = lock;
        this.store = store;
        this.cluster = ClusterState.open(store, clock, () -> newClusterId(clock, rnd));
        this.tso = new TimestampOracle(store, clock, cfg.tsoWindowMillis());
        tso.start();
        IdAllocator ids = new IdAllocator(store, cfg.idBatch());
        HeartbeatStreams streams = new HeartbeatStreams();
        this.oc = new OperatorController(clock, streams, cfg.schedule().limits(), cluster.clusterId());
        this.coordinator = new Coordinator(cluster, oc, ids, cfg.schedule(), clock, rnd);
        StreamingRpcs streaming = new StreamingRpcs(cluster, tso, oc, streams, metrics);
        SchedulerService service = new SchedulerService(cluster, streaming, ids, oc, metrics, member::get,
                cfg.schedule().maxReplicas());
        grpc = NettyServerBuilder.forAddress(new InetSocketAddress(cfg.clientHost(), cfg.clientPort()))
                .permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .directExecutor() // handlers only block on rare synced metadata writes
                .flowControlWindow(8 << 20)
                .addService(service).build().start();
        String url = "http://" + cfg.clientHost() + ":" + grpc.getPort();
        long memberId = (cfg.name() + "@" + url).hashCode() & 0x7fffffffL | 1L << 40;
        member.set(Member.newBuilder().setName(cfg.name()).setMemberId(memberId).addPeerUrls(url)
                .addClientUrls(url).build());
        if (cfg.statusAddr() != null) {
            HostPort hp = HostPort.parse(cfg.statusAddr(), "status-addr");
            try {
                status = new StatusServer(hp.host(), hp.port(), cluster, oc, metrics);
            } catch (IOException | RuntimeException e) {
                grpc.shutdownNow();
                throw new IOException("cannot serve status on " + cfg.statusAddr() + ": " + e.getMessage(), e);
            }
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler-coordinator");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("scheduler started name={} clientUrl={} clusterId={} statusPort={}", cfg.name(), url,
                Long.toUnsignedString(cluster.clusterId()), status == null ? "none" : status.port());
    }

    /**
     * Starts a scheduler on {@code cfg.dataDir()}: takes {@code <dataDir>/LOCK} (refused if another scheduler holds
     * it) and opens the metadata engine in {@code <dataDir>/meta} through {@code opener}.
     */
    public static SchedulerServer start(SchedulerConfig cfg, FileSystem fs, MetaStoreOpener opener, Clock clock,
            RandomGenerator rnd) throws IOException {
        cfg.validate();
        fs.createDirectories(cfg.dataDir());
        Closeable lock;
        try {
            lock = fs.lock(cfg.dataDir().resolve("LOCK"));
        } catch (IOException e) {
            throw new IOException("data dir " + cfg.dataDir() + " is in use by another scheduler (LOCK held): "
                    + e.getMessage(), e);
        }
        MetaStore store = null;
        try {
            store = opener.open(fs, cfg.dataDir().resolve("meta"));
            return new SchedulerServer(cfg, lock, store, clock, rnd);
        } catch (IOException | RuntimeException e) {
            closeQuietly(store);
            closeQuietly(lock);
            throw e;
        }
    }

    /** Starts a scheduler over an already open store, without a data-dir lock (in-process tests). */
    public static SchedulerServer start(SchedulerConfig cfg, MetaStore store, Clock clock, RandomGenerator rnd)
            throws IOException {
        cfg.schedule().validate();
        return new SchedulerServer(cfg, null, store, clock, rnd);
    }

    /** Opens the metadata store of a data dir. */
    @FunctionalInterface
    public interface MetaStoreOpener {
        /** Opens (creating if missing) the store in {@code dir}. */
        MetaStore open(FileSystem fs, Path dir) throws IOException;
    }

    private void tick() {
        try {
            tso.maintain();
            coordinator.doWork();
        } catch (IOException | RuntimeException e) {
            LOG.error("coordinator tick failed", e);
        }
    }

    private static long newClusterId(Clock clock, RandomGenerator rnd) {
        long id = ((clock.millis() / 1000) << 32) | (rnd.nextInt() & 0xffffffffL);
        return id == 0 ? 1 : id;
    }

    /** Returns the bound gRPC port. */
    public int port() {
        return grpc.getPort();
    }

    /** Returns the bound status port, or -1 if there is no status server. */
    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    /** Returns the cluster id. */
    public long clusterId() {
        return cluster.clusterId();
    }

    /** Returns the cluster state (for tests and tools in this process). */
    public ClusterState cluster() {
        return cluster;
    }

    /** Returns the operator controller. */
    public OperatorController operators() {
        return oc;
    }

    /** Returns the event counters. */
    public SchedulerMetrics metrics() {
        return metrics;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            grpc.shutdownNow();
        }
        if (status != null) {
            status.close();
        }
        closeQuietly(store);
        closeQuietly(lock);
        LOG.info("scheduler stopped");
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("close failed: {}", e.toString());
        }
    }
}
