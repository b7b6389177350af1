package org.tinykv.scheduler.operator;

import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;

/**
 * Where region heartbeat responses go: the stream bound to a store. Implementations must be thread-safe and must
 * not block; an undeliverable response is dropped (the operator is re-sent on the next heartbeat).
 */
public interface HeartbeatSink {

    /** Sends {@code resp} on the stream of {@code storeId}, if any. */
    void send(long storeId, RegionHeartbeatResponse resp);
}
