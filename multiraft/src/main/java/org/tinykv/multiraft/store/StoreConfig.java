package org.tinykv.multiraft.store;

import org.tinykv.multiraft.peer.PeerConfig;

/**
 * Settings of a store.
 *
 * @param tickMillis          milliseconds between raft ticks
 * @param raftWorkers         raft worker threads (default 1 on 2 cores)
 * @param applyWorkers        apply worker threads (default 1)
 * @param maxBatch            peers (or regions) per worker round
 * @param raftMemtableBytes   memtable size of the raft engine
 * @param kvMemtableBytes     memtable size of the kv engine
 * @param peer                raft settings of every peer
 * @param snapshotSendBytesPerSecond the transport's snapshot sending rate limit
 */
public record StoreConfig(long tickMillis, int raftWorkers, int applyWorkers, int maxBatch,
                          long raftMemtableBytes, long kvMemtableBytes, PeerConfig peer,
                          long snapshotSendBytesPerSecond) {

    /** Default of {@link #snapshotSendBytesPerSecond}: 64 MiB/s. */
    public static final long DEFAULT_SNAPSHOT_SEND_RATE = 64L << 20;

    /** Validates the settings. */
    public StoreConfig {
        if (tickMillis <= 0 || raftWorkers <= 0 || applyWorkers <= 0 || maxBatch <= 0) {
            throw new IllegalArgumentException("tickMillis, raftWorkers, applyWorkers, maxBatch must be positive");
        }
        if (peer == null) {
            throw new IllegalArgumentException("peer config must be set");
        }
        if (snapshotSendBytesPerSecond <= 0) {
            throw new IllegalArgumentException("snapshotSendBytesPerSecond must be positive");
        }
    }

    /** Settings with the default snapshot sending rate. */
    public StoreConfig(final long tickMillis, final int raftWorkers, final int applyWorkers, final int maxBatch,
                       final long raftMemtableBytes, final long kvMemtableBytes, final PeerConfig peer) {
        this(tickMillis, raftWorkers, applyWorkers, maxBatch, raftMemtableBytes, kvMemtableBytes, peer,
                DEFAULT_SNAPSHOT_SEND_RATE);
    }

    /** Defaults for a 2-core machine: 100 ms ticks, one raft and one apply worker, batches of 256. */
    public static StoreConfig defaults() {
        return new StoreConfig(100, 1, 1, 256, 8L << 20, 64L << 20, PeerConfig.defaults());
    }

    /** A copy with other peer settings. */
    public StoreConfig withPeer(final PeerConfig p) {
        return new StoreConfig(tickMillis, raftWorkers, applyWorkers, maxBatch, raftMemtableBytes,
                kvMemtableBytes, p, snapshotSendBytesPerSecond);
    }
}
