package org.tinykv.raft;

/** Outcome of sending a snapshot, reported by the caller through {@link RawNode#reportSnapshot}. */
public enum SnapshotStatus {
    FINISH,
    FAILURE
}
