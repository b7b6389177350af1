package org.tinykv.tools.client;

import org.tinykv.proto.errorpb.Error;

/**
 * What went wrong with one attempt of a request, as the client counts and reacts to it: the region errors of
 * {@code errorpb.Error} (one per field, {@link #OTHER} for a message-only error), a transport failure of the store
 * RPC, and a region the scheduler could not (yet) name.
 */
public enum RegionErrorKind {
    /** {@code not_leader}: the peer is not the leader; the hint (if any) becomes the cached leader. */
    NOT_LEADER("not_leader"),
    /** {@code epoch_not_match}: the cached region is outdated; its current regions replace it. */
    EPOCH_NOT_MATCH("epoch_not_match"),
    /** {@code region_not_found}: the store has no peer of the region; the region is reloaded. */
    REGION_NOT_FOUND("region_not_found"),
    /** {@code key_not_in_region}: the cached bounds were wrong; the region is reloaded. */
    KEY_NOT_IN_REGION("key_not_in_region"),
    /** {@code stale_command}: superseded by a leader change; resent. */
    STALE_COMMAND("stale_command"),
    /** {@code store_not_match}: the address reached another store; the store's address is resolved again. */
    STORE_NOT_MATCH("store_not_match"),
    /** A region error with only a message; the region is reloaded. */
    OTHER("other"),
    /** The store RPC failed (unavailable, deadline); the next peer is tried and the address re-resolved. */
    TRANSPORT("transport"),
    /** The scheduler did not answer with a region or a store address (e.g. right after bootstrap). */
    REGION_MISS("region_miss");

    private final String label;

    RegionErrorKind(final String label) {
        this.label = label;
    }

    /** The lower-case name printed in reports. */
    public String label() {
        return label;
    }

    /** The kind of a region error from a response. */
    public static RegionErrorKind of(final Error error) {
        if (error.hasNotLeader()) {
            return NOT_LEADER;
        }
        if (error.hasEpochNotMatch()) {
            return EPOCH_NOT_MATCH;
        }
        if (error.hasRegionNotFound()) {
            return REGION_NOT_FOUND;
        }
        if (error.hasKeyNotInRegion()) {
            return KEY_NOT_IN_REGION;
        }
        if (error.hasStaleCommand()) {
            return STALE_COMMAND;
        }
        if (error.hasStoreNotMatch()) {
            return STORE_NOT_MATCH;
        }
        return OTHER;
    }
}
