package org.tinykv.multiraft.operation.split;

/**
 * When regions split.
 *
 * @param splitSize  a region whose data in one column family exceeds this many bytes is split
 * @param checkTicks raft ticks between a leader's split checks (a check happens only if the leader proposed at
 *                   least splitSize / 16 bytes of writes since the last one, or became leader, or split)
 * @param policy     how a data key becomes a split boundary
 */
public record SplitConfig(long splitSize, long checkTicks, SplitKeyPolicy policy) {

    /** Validates the settings. */
    public SplitConfig {
        if (splitSize <= 0 || checkTicks <= 0 || policy == null) {
            throw new IllegalArgumentException("splitSize and checkTicks must be positive, policy set");
        }
    }

    /** TinyKV's defaults: 144 MiB regions checked every 10 ticks, user-key boundaries. */
    public static SplitConfig defaults() {
        return new SplitConfig(144L << 20, 10, SplitKeyPolicy.encodedUserKey());
    }
}
