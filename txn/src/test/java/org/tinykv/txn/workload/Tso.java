package org.tinykv.txn.workload;

import java.util.concurrent.atomic.AtomicLong;
import org.tinykv.txn.types.TimeStamp;

/**
 * A test timestamp oracle whose clock advances one physical millisecond per timestamp handed out, so lock TTLs
 * are measured in timestamps taken rather than wall time (deterministic, no sleeps). Thread-safe.
 */
public final class Tso {
    private final AtomicLong physical = new AtomicLong(1_000);

    /** The next timestamp: strictly greater than every one handed out before. */
    public long next() {
        return TimeStamp.compose(physical.incrementAndGet(), 0);
    }
}
