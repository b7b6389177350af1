package org.tinykv.scheduler.cluster;

/**
 * A request the cluster state refuses (unknown store, stale region, mismatched id, malformed metadata). An expected
 * outcome: the gRPC layer turns it into the error TinyKV's scheduler answers in that case.
 */
public final class InvalidRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Kinds of refusal, mapped to header errors or gRPC statuses by the service. */
    public enum Kind { INVALID, STALE, NOT_FOUND, TOMBSTONE }

    private final Kind kind;

    /** Creates a refusal of {@code kind} with a human-readable message. */
    public InvalidRequestException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Returns the kind of refusal. */
    public Kind kind() {
        return kind;
    }
}
