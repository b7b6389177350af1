package org.tinykv.server.transport;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;

/**
 * Store addresses from the scheduler (TinyKV's resolver.go): {@link StoreLookup#getStore} (for example
 * {@code GrpcSchedulerClient::getStore}) on a miss, cached until {@link #invalidate}. A tombstone store or one
 * without address is refused with an {@link IOException} and not cached. An invalidated address is asked for again,
 * but kept as a fallback: while the scheduler cannot be reached, the last known address is used, so stores keep
 * talking to each other (a store restarted on the same address rejoins its regions) when the scheduler is down.
 *
 * <p>Thread-safety: safe; concurrent misses of one store may both ask the scheduler.
 */
public final class CachingStoreResolver implements StoreAddressResolver {

    /** Looks a store's meta up (the scheduler's GetStore). */
    @FunctionalInterface
    public interface StoreLookup {
        /** The meta of store {@code id}, or null if unknown; throws if unreachable. */
        Store getStore(long id) throws IOException;
    }

    private final StoreLookup lookup;
    private final ConcurrentHashMap<Long, String> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, String> lastKnown = new ConcurrentHashMap<>();

    private final Consumer<Map<Long, String>> onLearned;

    /** A resolver asking {@code lookup}. */
    public CachingStoreResolver(final StoreLookup lookup) {
        this(lookup, Map.of(), known -> { });
    }

    /**
     * A resolver asking {@code lookup}, starting with {@code lastKnown} as fallback addresses (for example saved by
     * an earlier run) and handing every changed set of known addresses to {@code onLearned} (to save them).
     */
    public CachingStoreResolver(final StoreLookup lookup, final Map<Long, String> lastKnown,
                                final Consumer<Map<Long, String>> onLearned) {
        this.lookup = lookup;
        this.lastKnown.putAll(lastKnown);
        this.onLearned = onLearned;
    }

    @Override
    public String resolve(final long storeId) throws IOException {
        final String cached = cache.get(storeId);
        if (cached != null) {
            return cached;
        }
        final Store s;
        try {
            s = lookup.getStore(storeId);
        } catch (final IOException unreachable) {
            final String fallback = lastKnown.get(storeId);
            if (fallback == null) {
                throw unreachable;
            }
            return fallback;
        }
        if (s == null) {
            throw new IOException("store " + storeId + " is unknown to the scheduler");
        }
        if (s.getState() == StoreState.Tombstone) {
            if (lastKnown.remove(storeId) != null) {
                onLearned.accept(Map.copyOf(lastKnown));
            }
            throw new IOException("store " + storeId + " is a tombstone");
        }
        if (s.getAddress().isEmpty()) {
            throw new IOException("store " + storeId + " has no address");
        }
        cache.put(storeId, s.getAddress());
        if (!s.getAddress().equals(lastKnown.put(storeId, s.getAddress()))) {
            onLearned.accept(Map.copyOf(lastKnown));
        }
        return s.getAddress();
    }

    @Override
    public void invalidate(final long storeId) {
        cache.remove(storeId);
    }
}
