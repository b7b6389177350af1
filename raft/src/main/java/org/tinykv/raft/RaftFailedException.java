package org.tinykv.raft;

/**
 * Thrown by every {@link RawNode} call once the node has stopped because its {@link RaftStorage} failed (or an
 * internal invariant broke). The node must be discarded and recreated from durable state.
 */
public final class RaftFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with the original failure as cause. */
    public RaftFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
