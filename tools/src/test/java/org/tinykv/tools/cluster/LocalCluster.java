package org.tinykv.tools.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.tinykv.scheduler.SchedulerServer;
import org.tinykv.scheduler.config.SchedulerConfig;
import org.tinykv.scheduler.meta.LsmMetaStore;
import org.tinykv.server.HostPort;
import org.tinykv.server.ServerConfig;
import org.tinykv.server.TinyKvServer;
import org.tinykv.server.cluster.RaftStoreOptions;
import org.tinykv.wal.fs.OsFileSystem;

/**
 * A whole cluster in this JVM over real gRPC on loopback: one scheduler and N replicated {@link TinyKvServer}s on
 * their own data dirs and fixed ports, with short ticks and heartbeats so that placement happens in seconds.
 * Stores can be stopped (gracefully, like SIGTERM) and started again on the same dir and port.
 */
final class LocalCluster implements AutoCloseable {
    private final Path root;
    private final int schedulerPort;
    private final long splitSize;
    private SchedulerServer scheduler;
    private final Map<Integer, Integer> ports = new HashMap<>();
    private final Map<Integer, TinyKvServer> stores = new HashMap<>();

    private LocalCluster(final Path root, final int schedulerPort, final long splitSize) {
        this.root = root;
        this.schedulerPort = schedulerPort;
        this.splitSize = splitSize;
    }

    /** Starts the scheduler and {@code n} stores (numbered 1..n) under {@code root}, with 144 MiB regions. */
    static LocalCluster start(final Path root, final int n) throws IOException {
        return start(root, n, RaftStoreOptions.defaults().regionSplitSize());
    }

    /** Starts the scheduler and {@code n} stores whose regions split above {@code splitSize} bytes. */
    static LocalCluster start(final Path root, final int n, final long splitSize) throws IOException {
        final LocalCluster c = new LocalCluster(root, freePort(), splitSize);
        c.startScheduler();
        try {
            for (int i = 1; i <= n; i++) {
                c.ports.put(i, freePort());
                c.startStore(i);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The scheduler's address, host:port. */
    String schedulerAddress() {
        return "127.0.0.1:" + schedulerPort;
    }

    /** The scheduler (its cluster state, for assertions). */
    SchedulerServer scheduler() {
        return scheduler;
    }

    /** Starts the scheduler on its dir and port (again, after {@link #stopScheduler}). */
    void startScheduler() throws IOException {
        final SchedulerConfig d = SchedulerConfig.defaults(root.resolve("scheduler"));
        final SchedulerConfig cfg = new SchedulerConfig("it", d.dataDir(), "http://" + schedulerAddress(), null,
            "info", d.tsoWindowMillis(), d.idBatch(), d.schedule());
        scheduler = SchedulerServer.start(cfg, new OsFileSystem(), LsmMetaStore::open, Clock.systemUTC(),
            new SecureRandom());
    }

    /** Stops the scheduler. */
    void stopScheduler() {
        scheduler.close();
        scheduler = null;
    }

    /** Store {@code i}'s server, or null while it is stopped. */
    TinyKvServer store(final int i) {
        return stores.get(i);
    }

    /** Store {@code i}'s gRPC address. */
    String storeAddress(final int i) {
        return "127.0.0.1:" + ports.get(i);
    }

    /** Starts store {@code i} on its dir and port. */
    void startStore(final int i) throws IOException {
        final RaftStoreOptions d = RaftStoreOptions.defaults();
        final RaftStoreOptions fast = new RaftStoreOptions(50, 1, 1, splitSize, d.raftLogGcCountLimit(),
            d.raftLogGcSizeLimit(), d.snapshotSendBytesPerSecond(), 500, 20, Duration.ofSeconds(3),
            d.schedulerJoinTimeout(), d.hibernateRegions());
        final ServerConfig cfg = ServerConfig.builder().path(root.resolve("store" + i))
            .addr(HostPort.parse(storeAddress(i))).statusAddr(HostPort.parse("127.0.0.1:0"))
            .schedulerAddr(HostPort.parse(schedulerAddress())).grpcThreads(16).memtableBytes(4L << 20)
            .blockCacheBytes(8L << 20).raftstore(fast).build();
        stores.put(i, TinyKvServer.start(cfg, System::nanoTime));
    }

    /** Stops store {@code i} gracefully. */
    void stopStore(final int i) throws IOException {
        final TinyKvServer s = stores.remove(i);
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (TinyKvServer s : stores.values()) {
            try {
                s.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        stores.clear();
        if (scheduler != null) {
            scheduler.close();
        }
        if (first != null) {
            throw first;
        }
    }

    /** The first of {@code n} consecutive ports nothing listens on right now (for the playground's numbering). */
    static int freePorts(final int n) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            final int base = freePort();
            if (base + n > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 1; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
                    free = s.getLocalPort() == base + i;
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + n + " consecutive free ports found");
    }

    /** A port nothing listens on right now (a tiny race with other processes is accepted in tests). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
