package org.tinykv.raft;

/**
 * Thrown by {@link RaftStorage#snapshot()} while a snapshot is being generated; raft retries later. Expected.
 */
public final class SnapshotTemporarilyUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public SnapshotTemporarilyUnavailableException() {
        super("snapshot is temporarily unavailable", null, false, false);
    }
}
