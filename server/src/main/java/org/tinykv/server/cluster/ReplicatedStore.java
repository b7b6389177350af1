package org.tinykv.server.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.store.SchedulerBootstrap;
import org.tinykv.multiraft.store.Store;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.proto.raft_serverpb.StoreIdent;
import org.tinykv.server.ServerConfig;
import org.tinykv.server.StoreBackend;
import org.tinykv.server.pd.GrpcSchedulerClient;
import org.tinykv.server.pd.SchedulerClientOptions;
import org.tinykv.server.raftkv.RaftKv;
import org.tinykv.server.raftkv.RaftTxnEngine;
import org.tinykv.server.service.RaftEndpoint;
import org.tinykv.server.status.EngineMetrics;
import org.tinykv.server.status.RaftStoreMetrics;
import org.tinykv.server.status.Sample;
import org.tinykv.server.storage.LiveLocksFeed;
import org.tinykv.server.storage.RawKv;
import org.tinykv.server.transport.CachingStoreResolver;
import org.tinykv.server.transport.GrpcTransport;
import org.tinykv.server.transport.RaftEndpointService;
import org.tinykv.server.transport.TransportMetrics;
import org.tinykv.server.transport.TransportOptions;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.LiveLocks;
import org.tinykv.txn.latch.Latches;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.OsFileSystem;

/**
 * A replicated store inside {@code tinykv-server}: the scheduler client, the raft transport, the multiraft
 * {@link Store} on {@code <path>/{kv,raft,snap}} and the raw and Percolator APIs through its regions.
 *
 * <p>Start: a data dir that never joined a cluster needs the scheduler: the store gets its id, bootstraps the
 * cluster if it is the first, and registers its address ({@link SchedulerBootstrap}). A store that already joined
 * starts from its own disk even while the scheduler is down: its regions elect leaders and serve, and it registers
 * its address again in the background until the scheduler answers.
 *
 * <p>The store registers {@code -addr} with the scheduler, so other stores and clients must be able to reach it
 * there (the configuration refuses port 0 in replicated mode).
 *
 * <p>Thread-safety: safe; {@link #close()} is idempotent.
 */
public final class ReplicatedStore implements StoreBackend {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedStore.class);
    /** Hash slots of the transaction latches, as for the standalone store. */
    private static final int LATCH_SLOTS = 4096;
    private static final Duration SCHEDULER_RPC_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration JOIN_RETRY = Duration.ofMillis(200);

    private final GrpcSchedulerClient pd;
    private final GrpcTransport transport;
    private final Store store;
    private final RaftKv raw;
    private final TxnCommands txn;
    private final RaftEndpointService endpoint;
    private final Registration registration;
    private boolean closed;

    private ReplicatedStore(final GrpcSchedulerClient pd, final GrpcTransport transport, final Store store,
                            final Duration commandTimeout, final Path snapDir, final Registration registration,
                            final LiveLocks liveLocks) {
        this.pd = pd;
        this.transport = transport;
        this.store = store;
        this.raw = RaftKv.over(store, commandTimeout);
        this.txn = new TxnCommands(new RaftTxnEngine(raw, liveLocks), new Latches(LATCH_SLOTS));
        this.endpoint = RaftEndpointService.of(store, snapDir);
        this.registration = registration;
    }

    /**
     * Joins the cluster (or resumes from disk), opens the store and starts its workers.
     *
     * @throws IOException              if the dir is locked or unreadable, it belongs to another cluster, or the
     *                                  scheduler cannot be reached by a store that never joined
     */
    public static ReplicatedStore open(final ServerConfig config) throws IOException {
        final FileSystem fs = new OsFileSystem();
        final Path dir = config.path();
        final RaftStoreOptions opts = config.raftstore();
        final StoreConfig storeCfg = opts.storeConfig(config.storage().memtableBytes());
        final String address = config.addr().toString();
        final String schedulerAddr = config.schedulerAddr().toString();
        final SchedulerClientOptions pdOpts = SchedulerClientOptions.defaults(SCHEDULER_RPC_TIMEOUT);
        final StoreIdent joined = SchedulerBootstrap.joinedStore(fs, dir, storeCfg);
        GrpcSchedulerClient pd;
        boolean connected = true;
        try {
            pd = connect(schedulerAddr, pdOpts, joined == null ? opts.schedulerJoinTimeout() : Duration.ZERO);
        } catch (final IOException down) {
            if (joined == null) {
                throw new IOException("cannot join a cluster: scheduler " + schedulerAddr + " unreachable: "
                    + down.getMessage(), down);
            }
            LOG.warn("event=scheduler_unreachable address={} store={} action=start_from_disk error=\"{}\"",
                schedulerAddr, joined.getStoreId(), down.getMessage());
            pd = GrpcSchedulerClient.withClusterId(schedulerAddr, pdOpts, joined.getClusterId());
            connected = false;
        }
        GrpcTransport transport = null;
        try {
            if (joined != null && joined.getClusterId() != pd.clusterId()) {
                throw new IOException(dir + " belongs to cluster " + Long.toUnsignedString(joined.getClusterId())
                    + " but scheduler " + schedulerAddr + " serves cluster " + Long.toUnsignedString(pd.clusterId()));
            }
            if (connected) {
                SchedulerBootstrap.prepare(fs, dir, pd.clusterId(), address, pd, storeCfg);
            }
            final StoreAddressBook book = new StoreAddressBook(dir);
            transport = new GrpcTransport(new CachingStoreResolver(pd::getStore, book.load(), book::save),
                TransportOptions.defaults(opts.snapshotSendBytesPerSecond()));
            // Monotonic milliseconds, not the wall clock: ticks, and the leader lease counted in them, must not jump
            // when the system time is stepped.
            final Store store = Store.open(fs, dir, storeCfg, transport, () -> System.nanoTime() / 1_000_000L, pd,
                opts.heartbeatConfig(), opts.splitConfig());
            transport.setUnreachableListener(store::onStoreUnreachable);
            final Registration reg = new Registration(pd, store.storeId(), address, connected);
            final ReplicatedStore rs = new ReplicatedStore(pd, transport, store, opts.commandTimeout(),
                dir.resolve("snap"), reg,
                LiveLocksFeed.follow(store.engines().kv(), new byte[] {Keys.DATA_PREFIX}));
            store.start();
            reg.start();
            LOG.info("event=store_started store={} cluster={} address={} regions={}", store.storeId(),
                Long.toUnsignedString(pd.clusterId()), address, store.router().size());
            return rs;
        } catch (final IOException | RuntimeException e) {
            if (transport != null) {
                transport.close();
            }
            pd.close();
            throw e;
        }
    }

    /**
     * Connects to the scheduler, retrying every 200 ms until {@code patience} has passed (zero: one attempt), so a
     * store started together with its scheduler waits for it instead of failing.
     */
    private static GrpcSchedulerClient connect(final String address, final SchedulerClientOptions opts,
                                               final Duration patience) throws IOException {
        final long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return GrpcSchedulerClient.connect(address, opts);
            } catch (final IOException e) {
                if (System.nanoTime() + JOIN_RETRY.toNanos() > deadline) {
                    throw e;
                }
                LOG.info("event=scheduler_connect_retry address={} error=\"{}\"", address, e.getMessage());
                try {
                    Thread.sleep(JOIN_RETRY.toMillis());
                } catch (final InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the scheduler", ie);
                }
            }
        }
    }

    /** The multiraft store (tests, tools). */
    public Store store() {
        return store;
    }

    @Override
    public String mode() {
        return "replicated";
    }

    @Override
    public RawKv raw() {
        return raw;
    }

    @Override
    public TxnCommands transactions() {
        return txn;
    }

    /** Reads go through ReadIndex or the leader lease, which may wait for the other replicas. */
    @Override
    public boolean pointReadsAreLocal() {
        return false;
    }

    @Override
    public RaftEndpoint raftEndpoint() {
        return endpoint;
    }

    @Override
    public void endStreams() {
        endpoint.endStreams();
    }

    @Override
    public List<Sample> samples() {
        final List<Sample> out = new ArrayList<>(EngineMetrics.samples(store.engines().kv().stats(),
            "engine=\"kv\""));
        out.addAll(EngineMetrics.samples(store.engines().raft().stats(), "engine=\"raft\""));
        out.addAll(RaftStoreMetrics.samples(store));
        final TransportMetrics t = transport.metrics();
        out.add(Sample.counter("tinykv_transport_messages_sent_total", "Raft messages written to streams.",
            t.messagesSent()));
        out.add(Sample.counter("tinykv_transport_messages_dropped_total", "Raft messages dropped (queue full, "
            + "broken stream or closed).", t.droppedQueueFull() + t.droppedBrokenStream() + t.droppedClosed()));
        out.add(Sample.counter("tinykv_transport_snapshot_bytes_sent_total", "Snapshot bytes streamed.",
            t.snapshotBytesSent()));
        out.add(Sample.counter("tinykv_scheduler_rpc_failures_total", "Scheduler RPCs that failed.",
            pd.rpcFailures()));
        return out;
    }

    @Override
    public void describe(final Map<String, Object> status) {
        status.put("store_id", store.storeId());
        status.put("cluster_id", Long.toUnsignedString(pd.clusterId()));
        status.put("registered", registration.done());
        final Map<String, Object> metrics = new LinkedHashMap<>();
        for (Sample s : RaftStoreMetrics.samples(store)) {
            metrics.put(s.series(), s.value());
        }
        status.put("raftstore", metrics);
        status.put("regions", RaftStoreMetrics.regions(store));
    }

    /** Stops registration, the store's workers (answering waiting commands), the transport and the client. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        registration.close();
        try {
            store.close();
        } finally {
            transport.close();
            pd.close();
        }
    }
}
