package org.tinykv.server.pd;

import java.time.Duration;

/**
 * Settings of a {@link GrpcSchedulerClient}.
 *
 * @param rpcTimeout          deadline of every unary call (GetMembers, AllocID, ..., StoreHeartbeat)
 * @param heartbeatQueue      region heartbeats waiting for the stream; when full the oldest is dropped
 * @param reconnectMin        first wait before re-opening a broken region heartbeat stream
 * @param reconnectMax        longest wait (the wait doubles after each failure up to this)
 */
public record SchedulerClientOptions(Duration rpcTimeout, int heartbeatQueue, Duration reconnectMin,
                                     Duration reconnectMax) {

    /** Validates the settings. */
    public SchedulerClientOptions {
        if (rpcTimeout == null || rpcTimeout.isNegative() || rpcTimeout.isZero()) {
            throw new IllegalArgumentException("rpcTimeout must be positive: " + rpcTimeout);
        }
        if (heartbeatQueue <= 0) {
            throw new IllegalArgumentException("heartbeatQueue must be positive: " + heartbeatQueue);
        }
        if (reconnectMin == null || reconnectMax == null || reconnectMin.isNegative() || reconnectMin.isZero()
                || reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("need 0 < reconnectMin <= reconnectMax");
        }
    }

    /** Defaults around {@code rpcTimeout}: 1024 queued region heartbeats, reconnects after 100 ms up to 3 s. */
    public static SchedulerClientOptions defaults(final Duration rpcTimeout) {
        return new SchedulerClientOptions(rpcTimeout, 1024, Duration.ofMillis(100), Duration.ofSeconds(3));
    }
}
