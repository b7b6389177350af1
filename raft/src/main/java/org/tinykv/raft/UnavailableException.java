package org.tinykv.raft;

/** Thrown by {@link RaftStorage} when a requested index lies after the last stored entry. Expected. */
public final class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for the requested index. */
    public UnavailableException(long index, long lastIndex) {
        super("index " + index + " is unavailable (last index " + lastIndex + ")", null, false, false);
    }
}
