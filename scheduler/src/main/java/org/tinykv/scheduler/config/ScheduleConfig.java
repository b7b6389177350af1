package org.tinykv.scheduler.config;

import org.tinykv.scheduler.operator.OperatorController;

/**
 * Scheduling policy (the TOML section {@code [schedule]}). Times are milliseconds.
 *
 * @param maxReplicas            replicas per region written into the cluster config at bootstrap (default 3)
 * @param maxStoreDownMillis     a store silent longer than this is down; its replicas are replaced (30 min)
 * @param leaderScheduleLimit    running leader-balance operators at most (4)
 * @param regionScheduleLimit    running region-balance operators at most (4)
 * @param replicaScheduleLimit   running replica-checker operators at most (8)
 * @param storeLimit             running replica additions/removals per store at most (2)
 * @param leaderOperatorTimeoutMillis  a leader transfer not done after this times out (10 s)
 * @param regionOperatorTimeoutMillis  a replica move not done after this times out (10 min)
 * @param scheduleIntervalMillis period of the balance schedulers (1 s)
 * @param patrolIntervalMillis   period of one replica-checker batch (100 ms)
 * @param patrolBatch            regions checked per batch (128)
 * @param leaderTolerance        balance-leader acts when leader counts differ by more than this (&gt;= 1; 1)
 * @param regionToleranceMib     balance-region acts when sizes differ by more than 2 region sizes plus this (0)
 */
public record ScheduleConfig(int maxReplicas, long maxStoreDownMillis, int leaderScheduleLimit,
        int regionScheduleLimit, int replicaScheduleLimit, int storeLimit, long leaderOperatorTimeoutMillis,
        long regionOperatorTimeoutMillis, long scheduleIntervalMillis, long patrolIntervalMillis, int patrolBatch,
        long leaderTolerance, long regionToleranceMib) {

    /** Returns the defaults listed above. */
    public static ScheduleConfig defaults() {
        return new ScheduleConfig(3, 30 * 60_000L, 4, 4, 8, 2, 10_000, 600_000, 1_000, 100, 128, 1, 0);
    }

    /** Checks every value; throws IllegalArgumentException naming the first bad one. */
    public ScheduleConfig validate() {
        require(maxReplicas >= 1, "max-replicas must be >= 1");
        require(maxStoreDownMillis > 0, "max-store-down-time must be positive");
        require(leaderOperatorTimeoutMillis > 0 && regionOperatorTimeoutMillis > 0,
                "operator timeouts must be positive");
        require(scheduleIntervalMillis > 0 && patrolIntervalMillis > 0, "intervals must be positive");
        require(patrolBatch > 0, "patrol-batch must be positive");
        require(leaderTolerance >= 1, "leader-tolerance must be >= 1");
        require(regionToleranceMib >= 0, "region-tolerance-mib must be >= 0");
        limits(); // validates the limits
        return this;
    }

    /** Returns the operator limits. */
    public OperatorController.Limits limits() {
        return new OperatorController.Limits(leaderScheduleLimit, regionScheduleLimit, replicaScheduleLimit,
                storeLimit);
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException(msg);
        }
    }
}
