package org.tinykv.server.transport;

import java.io.IOException;
import java.util.Map;

/**
 * Finds the gRPC address ({@code host:port}) of a store. {@link GrpcTransport} calls {@link #resolve} from its
 * sender threads (it may block, for a bounded time) and {@link #invalidate} when a connection to the address failed,
 * so that the next resolve asks again.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use.
 */
public interface StoreAddressResolver {

    /**
     * The address of store {@code storeId}.
     *
     * @throws IOException if it is unknown, removed (tombstone) or cannot be looked up now
     */
    String resolve(long storeId) throws IOException;

    /** Forgets any cached address of {@code storeId}. */
    default void invalidate(final long storeId) {
    }

    /** A resolver over a live map (tests, static clusters): later changes to the map are seen. */
    static StoreAddressResolver of(final Map<Long, String> addresses) {
        return id -> {
            final String a = addresses.get(id);
            if (a == null) {
                throw new IOException("no address for store " + id);
            }
            return a;
        };
    }
}
