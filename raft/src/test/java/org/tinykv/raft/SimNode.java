package org.tinykv.raft;

import java.nio.ByteBuffer;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Snapshot;

/**
 * A server of the {@link Simulation}: durable storage that survives crashes, plus the volatile {@link RawNode}
 * and the state machine (a hash chain over the applied entries) that a crash discards.
 */
final class SimNode {
    final long id;
    final MemoryRaftStorage storage;
    RawNode rn;
    boolean removed;
    long destroyAt = -1;
    long appHash;
    long applied;
    ConfState confState;
    /** Highest commit index of this incarnation already checked against the committed-entry record. */
    long checkedCommit;
    /** Read counters of the incarnations that crashed (see Raft.leaseReads). */
    long leaseReads;
    long heartbeatReads;

    SimNode(long id, MemoryRaftStorage storage) {
        this.id = id;
        this.storage = storage;
    }

    /** (Re)starts from durable state: the state machine is rebuilt from the storage's snapshot. */
    void start(RaftConfig cfg) {
        Snapshot s = storage.snapshot();
        applied = s.getMetadata().getIndex();
        appHash = applied == 0 ? 0 : ByteBuffer.wrap(s.getData().toByteArray()).getLong();
        confState = s.getMetadata().getConfState();
        checkedCommit = 0;
        rn = new RawNode(cfg, storage);
    }

    /** Loses everything volatile, including a Ready not yet persisted. */
    void crash() {
        if (rn != null) {
            leaseReads += raft().leaseReads;
            heartbeatReads += raft().heartbeatReads;
        }
        rn = null;
    }

    boolean alive() {
        return rn != null;
    }

    Raft raft() {
        return rn.raft();
    }

    boolean isLeader() {
        return alive() && raft().state == StateRole.LEADER;
    }
}
