package org.tinykv.server.transport;

import java.time.Duration;

/**
 * Settings of a {@link GrpcTransport}.
 *
 * @param queueCapacity          raft messages waiting per destination store; more are dropped (raft retransmits)
 * @param snapshotBytesPerSecond snapshot sending rate of the whole transport (all transfers share it)
 * @param snapshotThreads        snapshot transfers running at once
 * @param chunkBytes             data bytes per {@code SnapshotChunk}, at most 1 MiB
 * @param reconnectMin           first wait before reconnecting to a store whose stream broke
 * @param reconnectMax           longest wait (doubling from the minimum)
 * @param snapshotTimeout        longest wait for the receiver to accept the next chunk, and for its Done
 */
public record TransportOptions(int queueCapacity, long snapshotBytesPerSecond, int snapshotThreads, int chunkBytes,
                               Duration reconnectMin, Duration reconnectMax, Duration snapshotTimeout) {

    /** The largest snapshot chunk: 1 MiB (TinyKV's snap_runner). */
    public static final int MAX_CHUNK_BYTES = 1 << 20;

    /** Validates the settings. */
    public TransportOptions {
        if (queueCapacity <= 0 || snapshotBytesPerSecond <= 0 || snapshotThreads <= 0) {
            throw new IllegalArgumentException("queueCapacity, snapshotBytesPerSecond, snapshotThreads must be "
                    + "positive");
        }
        if (chunkBytes <= 0 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunkBytes must be in 1.." + MAX_CHUNK_BYTES + ": " + chunkBytes);
        }
        if (reconnectMin == null || reconnectMax == null || reconnectMin.isNegative() || reconnectMin.isZero()
                || reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("need 0 < reconnectMin <= reconnectMax");
        }
        if (snapshotTimeout == null || snapshotTimeout.isNegative() || snapshotTimeout.isZero()) {
            throw new IllegalArgumentException("snapshotTimeout must be positive");
        }
    }

    /**
     * Defaults: 4096 queued messages per store, snapshots at {@code snapshotBytesPerSecond} on 2 threads in 1 MiB
     * chunks, reconnects after 100 ms up to 2 s, 60 s snapshot timeout.
     */
    public static TransportOptions defaults(final long snapshotBytesPerSecond) {
        return new TransportOptions(4096, snapshotBytesPerSecond, 2, MAX_CHUNK_BYTES, Duration.ofMillis(100),
                Duration.ofSeconds(2), Duration.ofSeconds(60));
    }

    /** A copy with another snapshot rate. */
    public TransportOptions withSnapshotRate(final long bytesPerSecond) {
        return new TransportOptions(queueCapacity, bytesPerSecond, snapshotThreads, chunkBytes, reconnectMin,
                reconnectMax, snapshotTimeout);
    }

    /** A copy with other reconnect backoff bounds. */
    public TransportOptions withReconnect(final Duration min, final Duration max) {
        return new TransportOptions(queueCapacity, snapshotBytesPerSecond, snapshotThreads, chunkBytes, min, max,
                snapshotTimeout);
    }
}
