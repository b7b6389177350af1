package org.tinykv.server.cluster;

import java.time.Duration;
import org.tinykv.multiraft.operation.heartbeat.HeartbeatConfig;
import org.tinykv.multiraft.operation.split.SplitConfig;
import org.tinykv.multiraft.operation.split.SplitKeyPolicy;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.store.StoreConfig;

/**
 * Tuning of a replicated store (the {@code [raftstore]} section of the TOML file).
 *
 * @param tickMillis                 milliseconds per raft tick ({@code tick-ms})
 * @param raftWorkers                raft worker threads ({@code raft-workers})
 * @param applyWorkers               apply worker threads ({@code apply-workers})
 * @param regionSplitSize            a region holding more bytes in one column family is split
 *                                   ({@code region-split-size})
 * @param raftLogGcCountLimit        the leader compacts the raft log once more applied entries are kept
 *                                   ({@code raft-log-gc-count-limit})
 * @param raftLogGcSizeLimit         ... or once the kept log is larger ({@code raft-log-gc-size-limit})
 * @param snapshotSendBytesPerSecond snapshot sending rate limit ({@code snapshot-send-rate})
 * @param storeHeartbeatMillis       milliseconds between store heartbeats ({@code store-heartbeat-ms})
 * @param regionHeartbeatTicks       ticks between a leader's periodic region heartbeats
 *                                   ({@code region-heartbeat-ticks})
 * @param commandTimeout             how long an RPC waits for its raft command ({@code command-timeout-ms})
 * @param schedulerJoinTimeout       how long a store that never joined keeps trying to reach the scheduler at start
 *                                   ({@code scheduler-join-timeout-ms})
 * @param hibernateRegions           whether regions with nothing to do stop ticking ({@code hibernate-regions})
 */
public record RaftStoreOptions(long tickMillis, int raftWorkers, int applyWorkers, long regionSplitSize,
                               long raftLogGcCountLimit, long raftLogGcSizeLimit, long snapshotSendBytesPerSecond,
                               long storeHeartbeatMillis, long regionHeartbeatTicks, Duration commandTimeout,
                               Duration schedulerJoinTimeout, boolean hibernateRegions) {

    /** TinyKV's defaults for 2 cores: 100 ms ticks, one raft and one apply worker, 144 MiB regions. */
    public static RaftStoreOptions defaults() {
        final StoreConfig store = StoreConfig.defaults();
        final HeartbeatConfig hb = HeartbeatConfig.defaults();
        return new RaftStoreOptions(store.tickMillis(), store.raftWorkers(), store.applyWorkers(),
            SplitConfig.defaults().splitSize(), PeerConfig.DEFAULT_GC_COUNT_LIMIT, PeerConfig.DEFAULT_GC_SIZE_LIMIT,
            StoreConfig.DEFAULT_SNAPSHOT_SEND_RATE, hb.storeHeartbeatMillis(), hb.regionHeartbeatTicks(),
            Duration.ofSeconds(10), Duration.ofSeconds(30), true);
    }

    /**
     * Checks the values.
     *
     * @return this
     * @throws IllegalArgumentException naming the bad value (by its TOML key)
     */
    public RaftStoreOptions validate() {
        positive("raftstore.tick-ms", tickMillis);
        positive("raftstore.raft-workers", raftWorkers);
        positive("raftstore.apply-workers", applyWorkers);
        positive("raftstore.region-split-size", regionSplitSize);
        positive("raftstore.raft-log-gc-count-limit", raftLogGcCountLimit);
        positive("raftstore.raft-log-gc-size-limit", raftLogGcSizeLimit);
        positive("raftstore.snapshot-send-rate", snapshotSendBytesPerSecond);
        positive("raftstore.store-heartbeat-ms", storeHeartbeatMillis);
        positive("raftstore.region-heartbeat-ticks", regionHeartbeatTicks);
        if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("raftstore.command-timeout-ms must be positive");
        }
        if (schedulerJoinTimeout == null || schedulerJoinTimeout.isNegative()) {
            throw new IllegalArgumentException("raftstore.scheduler-join-timeout-ms must not be negative");
        }
        return this;
    }

    private static void positive(final String key, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /** The store settings these options describe, with {@code storage}'s memtable and the default peer timing. */
    public StoreConfig storeConfig(final long kvMemtableBytes) {
        final StoreConfig d = StoreConfig.defaults();
        PeerConfig peer = PeerConfig.defaults().withGcLimits(raftLogGcCountLimit, raftLogGcSizeLimit);
        if (!hibernateRegions) {
            peer = peer.withHibernateTicks(0);
        }
        return new StoreConfig(tickMillis, raftWorkers, applyWorkers, d.maxBatch(), d.raftMemtableBytes(),
            kvMemtableBytes, peer, snapshotSendBytesPerSecond);
    }

    /** The heartbeat settings. */
    public HeartbeatConfig heartbeatConfig() {
        return new HeartbeatConfig(regionHeartbeatTicks, storeHeartbeatMillis, 0);
    }

    /** The split settings (user-key boundaries, so one key's MVCC versions stay in one region). */
    public SplitConfig splitConfig() {
        return new SplitConfig(regionSplitSize, SplitConfig.defaults().checkTicks(), SplitKeyPolicy.encodedUserKey());
    }
}
