package org.tinykv.txn.workload;

import java.util.concurrent.atomic.AtomicLong;
import org.tinykv.txn.types.TimeStamp;

/** A test timestamp oracle whose clock advances one physical millisecond per timestamp handed out. */
final class Tso {
    private final AtomicLong physical = new AtomicLong(1_000);

    long next() {
        return TimeStamp.compose(physical.incrementAndGet(), 0);
    }
}
