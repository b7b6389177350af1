package org.tinykv.scheduler.id;

import java.io.IOException;

import org.tinykv.scheduler.meta.MetaKeys;
import org.tinykv.scheduler.meta.MetaStore;

/**
 * Allocates strictly increasing ids (the first is 1), never reused after a restart: the upper bound of the
 * current batch is persisted ({@link MetaKeys#ID_END}) before any id of the batch is handed out, and a restart
 * continues above it. Thread-safe.
 */
public final class IdAllocator {

    private final MetaStore store;
    private final long batch;
    private long base; // last id handed out
    private long end;  // persisted bound

    /** Loads the persisted bound; {@code batch} ids are reserved per sync. */
    public IdAllocator(MetaStore store, long batch) throws IOException {
        if (batch <= 0) {
            throw new IllegalArgumentException("id batch must be positive: " + batch);
        }
        this.store = store;
        this.batch = batch;
        byte[] v = store.get(MetaKeys.ID_END);
        this.end = v == null ? 0 : MetaKeys.decodeU64(MetaKeys.ID_END, v);
        this.base = end;
    }

    /** Returns a new id. */
    public synchronized long alloc() throws IOException {
        if (base == end) {
            long newEnd = end + batch;
            store.put(MetaKeys.ID_END, MetaKeys.u64(newEnd));
            end = newEnd;
        }
        return ++base;
    }

    /** Returns the last id handed out (0 if none since the start). */
    public synchronized long lastId() {
        return base;
    }
}
