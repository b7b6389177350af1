package org.tinykv.multiraft.fsm;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one store's raft machinery, read by the server's metrics endpoint. Totals only: rates and means are
 * the reader's business (e.g. fsync batch size = {@link #raftSyncedPeers()} / {@link #raftSyncedWrites()}).
 *
 * <p>Thread-safety: safe; every counter is a {@link LongAdder}, so workers on different threads never contend on
 * one cache line for long.
 */
public final class StoreMetrics {
    private final LongAdder proposals = new LongAdder();
    private final LongAdder commandErrors = new LongAdder();
    private final LongAdder commandNanos = new LongAdder();
    private final LongAdder commands = new LongAdder();
    private final LongAdder raftSyncedWrites = new LongAdder();
    private final LongAdder raftSyncedPeers = new LongAdder();
    private final LongAdder raftMessagesReceived = new LongAdder();
    private final LongAdder snapshotsSent = new LongAdder();
    private final LongAdder snapshotsSendFailed = new LongAdder();
    private final LongAdder snapshotsReceived = new LongAdder();
    private final LongAdder snapshotsRejected = new LongAdder();
    private final LongAdder localReads = new LongAdder();

    void proposed() {
        proposals.increment();
    }

    /** Records a read its region's leader answered on the caller's thread, under its lease. */
    public void localRead() {
        localReads.increment();
    }

    /** Reads answered on the caller's thread under the leader's lease (not counted in {@link #proposals}). */
    public long localReads() {
        return localReads.sum();
    }

    void raftSynced(final int peers) {
        raftSyncedWrites.increment();
        raftSyncedPeers.add(peers);
    }

    void raftMessageReceived() {
        raftMessagesReceived.increment();
    }

    void snapshotSent(final boolean ok) {
        (ok ? snapshotsSent : snapshotsSendFailed).increment();
    }

    /** Records a command answered {@code nanos} after it was proposed, with or without a region error. */
    public void commandAnswered(final long nanos, final boolean error) {
        commands.increment();
        commandNanos.add(nanos);
        if (error) {
            commandErrors.increment();
        }
    }

    /** Records a snapshot received from another store: accepted or refused. */
    public void snapshotReceived(final boolean accepted) {
        (accepted ? snapshotsReceived : snapshotsRejected).increment();
    }

    /** Commands handed to peers (writes, reads and admin commands). */
    public long proposals() {
        return proposals.sum();
    }

    /** Commands answered. */
    public long commandsAnswered() {
        return commands.sum();
    }

    /** Commands answered with a region error. */
    public long commandErrors() {
        return commandErrors.sum();
    }

    /** Total nanoseconds from proposal to answer over {@link #commandsAnswered()}. */
    public long commandNanos() {
        return commandNanos.sum();
    }

    /** Synced raft-engine writes (one per raft-worker round with appends). */
    public long raftSyncedWrites() {
        return raftSyncedWrites.sum();
    }

    /** Peers whose appends those writes carried (the group commit across regions). */
    public long raftSyncedPeers() {
        return raftSyncedPeers.sum();
    }

    /** Raft messages stepped into peers. */
    public long raftMessagesReceived() {
        return raftMessagesReceived.sum();
    }

    /** Snapshots other stores acknowledged. */
    public long snapshotsSent() {
        return snapshotsSent.sum();
    }

    /** Snapshot transfers that failed. */
    public long snapshotsSendFailed() {
        return snapshotsSendFailed.sum();
    }

    /** Snapshots received intact and delivered. */
    public long snapshotsReceived() {
        return snapshotsReceived.sum();
    }

    /** Snapshots refused (not for this store, or files damaged in transit). */
    public long snapshotsRejected() {
        return snapshotsRejected.sum();
    }
}
