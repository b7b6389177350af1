package org.tinykv.multiraft.operation.heartbeat;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;
import org.tinykv.proto.schedulerpb.StoreStats;
import org.tinykv.wal.fs.FileSystem;

/**
 * Sends the store heartbeat every {@link HeartbeatConfig#storeHeartbeatMillis()} of the clock: region count,
 * bytes used by the engines' directories (sum of their files' sizes), capacity (configured, or the total space of
 * the file store holding the data dir when it is on the OS file system; 0 if neither is known) and available
 * bytes (capacity minus used, bounded by the file store's usable space). With each, it runs a hook (the store's:
 * hibernating region leaders, which send no heartbeats by ticks, send theirs).
 *
 * <p>Thread-safety: {@link #doWork()} is called by one thread.
 */
public final class StoreHeartbeater implements Agent {
    private final long storeId;
    private final FileSystem fs;
    private final Path dir;
    private final SchedulerClient pd;
    private final EpochClock clock;
    private final HeartbeatConfig cfg;
    private final IntSupplier regionCount;
    private final Runnable withEachHeartbeat;
    private final long startSeconds;
    private long nextAt;

    /**
     * A heartbeater of store {@code storeId} on {@code dir} that runs {@code withEachHeartbeat} after every store
     * heartbeat; the first heartbeat goes out on the first round.
     */
    public StoreHeartbeater(final long storeId, final FileSystem fs, final Path dir, final SchedulerClient pd,
                            final EpochClock clock, final HeartbeatConfig cfg, final IntSupplier regionCount,
                            final Runnable withEachHeartbeat) {
        this.withEachHeartbeat = withEachHeartbeat;
        this.storeId = storeId;
        this.fs = fs;
        this.dir = dir;
        this.pd = pd;
        this.clock = clock;
        this.cfg = cfg;
        this.regionCount = regionCount;
        // wall time for the scheduler: the store's clock is monotonic
        this.startSeconds = System.currentTimeMillis() / 1000;
        this.nextAt = clock.time();
    }

    @Override
    public int doWork() {
        final long now = clock.time();
        if (now < nextAt) {
            return 0;
        }
        nextAt = now + cfg.storeHeartbeatMillis();
        pd.storeHeartbeat(StoreHeartbeatRequest.newBuilder().setStats(stats()).build());
        withEachHeartbeat.run();
        return 1;
    }

    /** The current stats. */
    public StoreStats stats() {
        final long used = dirBytes(dir.resolve("kv")) + dirBytes(dir.resolve("raft"));
        long capacity = cfg.capacityBytes();
        long usable = Long.MAX_VALUE;
        final FileStore store = osFileStore();
        if (store != null) {
            try {
                if (capacity == 0) {
                    capacity = store.getTotalSpace();
                }
                usable = store.getUsableSpace();
            } catch (final IOException e) {
                usable = Long.MAX_VALUE;
            }
        }
        final long available = Math.max(0, Math.min(usable, capacity - used));
        return StoreStats.newBuilder().setStoreId(storeId).setCapacity(capacity).setAvailable(available)
                .setUsedSize(used).setRegionCount(regionCount.getAsInt()).setStartTime((int) startSeconds).build();
    }

    private FileStore osFileStore() {
        try {
            return dir.getFileSystem() == java.nio.file.FileSystems.getDefault() && Files.exists(dir)
                    ? Files.getFileStore(dir) : null;
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    private long dirBytes(final Path d) {
        long total = 0;
        try {
            for (final String name : fs.list(d)) {
                try {
                    total += fs.size(d.resolve(name));
                } catch (final IOException e) {
                    // deleted meanwhile (compaction): not counted
                }
            }
        } catch (final IOException e) {
            return total;
        }
        return total;
    }

    @Override
    public String roleName() {
        return "store-heartbeat-" + storeId;
    }
}
