package org.tinykv.tools.bench.txn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where the benchmark's transactions get their start and commit timestamps (TinyKV's 64-bit TSO format: physical
 * milliseconds shifted left 18 bits, plus a logical counter). Implementations are thread-safe and hand out strictly
 * increasing values in the order of the calls.
 */
interface TimestampSource extends AutoCloseable {
    /**
     * A timestamp greater than every one this source handed out before this call; a failure completes the future
     * with {@link IllegalStateException}. Continuations may run on a transport thread and must not block.
     */
    CompletableFuture<Long> nextAsync();

    /** {@link #nextAsync()}, waiting for it. */
    default long next() {
        try {
            return nextAsync().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    void close();
}
