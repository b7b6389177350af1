package org.tinykv.scheduler.status;

import java.util.concurrent.atomic.LongAdder;

/** Event counters updated by the gRPC service and read by the status server. Thread-safe. */
public final class SchedulerMetrics {

    /** Tso requests answered. */
    public final LongAdder tsoRequests = new LongAdder();
    /** Timestamps handed out. */
    public final LongAdder tsoTimestamps = new LongAdder();
    /** Region heartbeats received. */
    public final LongAdder regionHeartbeats = new LongAdder();
    /** Region heartbeats refused as stale or invalid. */
    public final LongAdder regionHeartbeatErrors = new LongAdder();
    /** Store heartbeats received. */
    public final LongAdder storeHeartbeats = new LongAdder();
    /** Ids allocated through AllocID and AskSplit. */
    public final LongAdder idsAllocated = new LongAdder();
    /** Requests refused because of a cluster id mismatch. */
    public final LongAdder clusterIdMismatches = new LongAdder();
}
