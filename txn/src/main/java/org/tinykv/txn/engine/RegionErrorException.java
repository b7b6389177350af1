package org.tinykv.txn.engine;

import org.tinykv.proto.errorpb.Error;

/**
 * Thrown by an {@link Engine} when a request cannot be served by this store (not leader, epoch mismatch, region
 * not found, key not in region, stale command). Every command turns it into its response's {@code region_error}.
 */
public final class RegionErrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Error error;

    /** Creates the exception carrying {@code error}, which is put verbatim into the response. */
    public RegionErrorException(Error error) {
        super(error.getMessage());
        this.error = error;
    }

    /** The region error for the response. */
    public Error error() {
        return error;
    }
}
