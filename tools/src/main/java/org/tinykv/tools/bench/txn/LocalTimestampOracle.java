package org.tinykv.tools.bench.txn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.tinykv.txn.types.TimeStamp;

/**
 * A timestamp oracle inside the benchmark process: {@code max(nowMillis << 18, last + 1)}. Correct only while this
 * process is the server's only transactional client (as when benchmarking a standalone server): timestamps from
 * another process are not ordered against these. Lock TTLs are judged on the physical part, as with a real TSO.
 */
final class LocalTimestampOracle implements TimestampSource {
    private final AtomicLong last = new AtomicLong();
    private final LongSupplier millisClock;

    /** An oracle over {@code millisClock} (wall-clock milliseconds, normally {@code System::currentTimeMillis}). */
    LocalTimestampOracle(LongSupplier millisClock) {
        this.millisClock = millisClock;
    }

    @Override
    public CompletableFuture<Long> nextAsync() {
        return CompletableFuture.completedFuture(next());
    }

    @Override
    public long next() {
        long now = TimeStamp.compose(millisClock.getAsLong(), 0);
        return last.accumulateAndGet(now, (prev, clock) -> Math.max(prev + 1, clock));
    }

    @Override
    public void close() {
    }
}
