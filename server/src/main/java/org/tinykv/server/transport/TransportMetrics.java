package org.tinykv.server.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of a {@link GrpcTransport}, cumulative since it was created. Thread-safety: safe (atomics).
 */
public final class TransportMetrics {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong droppedQueueFull = new AtomicLong();
    final AtomicLong droppedBroken = new AtomicLong();
    final AtomicLong droppedClosed = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLong streamFailures = new AtomicLong();
    final AtomicLong snapshotsSent = new AtomicLong();
    final AtomicLong snapshotsFailed = new AtomicLong();
    final AtomicLong snapshotBytesSent = new AtomicLong();

    /** Raft messages written to a stream. */
    public long messagesSent() {
        return sent.get();
    }

    /** Raft messages dropped because their store's queue was full. */
    public long droppedQueueFull() {
        return droppedQueueFull.get();
    }

    /** Raft messages dropped with their queue when the stream broke or the store could not be reached/resolved. */
    public long droppedBrokenStream() {
        return droppedBroken.get();
    }

    /** Raft messages dropped because the transport was closed. */
    public long droppedClosed() {
        return droppedClosed.get();
    }

    /** Raft streams opened. */
    public long connects() {
        return connects.get();
    }

    /** Raft streams that broke, and connection attempts that failed (including unresolvable addresses). */
    public long streamFailures() {
        return streamFailures.get();
    }

    /** Snapshots the receiver acknowledged with Done. */
    public long snapshotsSent() {
        return snapshotsSent.get();
    }

    /** Snapshot transfers that failed. */
    public long snapshotsFailed() {
        return snapshotsFailed.get();
    }

    /** Snapshot file bytes written to streams (also of transfers that failed later). */
    public long snapshotBytesSent() {
        return snapshotBytesSent.get();
    }
}
