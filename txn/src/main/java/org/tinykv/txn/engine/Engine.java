package org.tinykv.txn.engine;

import java.util.List;
import org.tinykv.proto.kvrpcpb.Context;

/**
 * The storage the transaction layer runs on: consistent snapshots and atomic batches over {@link TxnCf}s.
 * Implementations: {@link MemEngine} (tests), and in {@code server} the standalone lsm engine and the replicated
 * multiraft engine. Implementations must be thread-safe.
 *
 * <p>{@code ctx} is the request's routing context; a replicated engine checks the region, leadership and epoch
 * with it and throws {@link RegionErrorException} when they do not match.
 */
public interface Engine {
    /** A snapshot for reads of the region named by {@code ctx}. */
    EngineSnapshot snapshot(Context ctx);

    /**
     * Applies {@code batch} atomically and durably (for this engine's notion of durable), in list order: a later
     * modification of the same cf and key wins. An empty batch is a no-op.
     */
    void write(Context ctx, List<Modify> batch);

    /**
     * The engine's index of live locks, or null if it keeps none (readers then scan the lock CF). See
     * {@link LiveLocks} for what an engine that keeps one promises.
     */
    default LiveLocks liveLocks() {
        return null;
    }
}
