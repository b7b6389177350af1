package org.tinykv.tools.client;

/**
 * A request of {@link ClusterClient} that did not succeed: its deadline passed while it retried region errors or
 * transport failures (the message names the operation, the attempts, the time spent and the last error), or the
 * store answered with a gRPC status that retrying cannot fix.
 */
public final class ClusterClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with its message. */
    public ClusterClientException(final String message) {
        super(message);
    }

    /** Creates the exception with its message and cause. */
    public ClusterClientException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
