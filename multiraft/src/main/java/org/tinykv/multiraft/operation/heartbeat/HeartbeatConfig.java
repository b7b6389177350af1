package org.tinykv.multiraft.operation.heartbeat;

/**
 * How often a store reports to the scheduler.
 *
 * @param regionHeartbeatTicks raft ticks between periodic region heartbeats of a leader
 * @param storeHeartbeatMillis clock milliseconds between store heartbeats
 * @param capacityBytes        the capacity to report; 0 = the total space of the file store holding the data dir
 */
public record HeartbeatConfig(long regionHeartbeatTicks, long storeHeartbeatMillis, long capacityBytes) {

    /** Validates the settings. */
    public HeartbeatConfig {
        if (regionHeartbeatTicks <= 0 || storeHeartbeatMillis <= 0 || capacityBytes < 0) {
            throw new IllegalArgumentException("heartbeat intervals must be positive, capacity not negative");
        }
    }

    /** TinyKV's defaults with 100 ms ticks: region heartbeats every 10 s, store heartbeats every 10 s. */
    public static HeartbeatConfig defaults() {
        return new HeartbeatConfig(100, 10_000, 0);
    }
}
