package org.tinykv.raft;

/** Thrown by {@link RaftStorage} when a requested index lies before the first retained entry. Expected. */
public final class CompactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for the requested index. */
    public CompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted (first index " + firstIndex + ")", null, false, false);
    }
}
