package org.tinykv.tools.client;

/**
 * A request could not be routed this time: the scheduler was unreachable, not bootstrapped, or did not (yet) know
 * the region or the store. Retryable: {@link ClusterClient} backs off and routes again until its deadline.
 */
final class RouteException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RegionErrorKind kind;

    RouteException(final RegionErrorKind kind, final String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    /** TRANSPORT if the scheduler could not be reached, else REGION_MISS. */
    RegionErrorKind kind() {
        return kind;
    }
}
