package org.tinykv.multiraft.peer;

import java.util.function.Consumer;

/**
 * What a leader does on cadences of its own, beside raft's: a region heartbeat every few ticks (and at once when
 * it takes over or its region changes, which {@link Peer} asks for), and a split check once enough ticks have
 * passed and enough bytes were proposed since the last one. The peer calls {@link #onLeaderTick} only while it
 * leads a live region.
 *
 * <p>Thread-safety: confined to the thread driving the peer, like {@link Peer}.
 */
final class LeaderCadence {
    private Consumer<Peer> heartbeatSink = p -> { };
    private long heartbeatTicks = Long.MAX_VALUE;
    private long ticksSinceHeartbeat;
    private SplitHooks splitHooks;
    private long ticksSinceSplitCheck;
    private long writtenSinceSplitCheck;

    /** Region heartbeats go to {@code sink}, every {@code everyTicks} ticks of leadership at the latest. */
    void setHeartbeatSink(final long everyTicks, final Consumer<Peer> sink) {
        this.heartbeatTicks = everyTicks;
        this.heartbeatSink = sink;
    }

    /** Enables split checks (and the rest of {@code hooks}). */
    void setSplitHooks(final SplitHooks hooks) {
        this.splitHooks = hooks;
    }

    /** The split hooks, or null while splits are off. */
    SplitHooks splitHooks() {
        return splitHooks;
    }

    /** Makes the next split check due regardless of the bytes written (a new leader, a region just split). */
    void markForSplitCheck() {
        writtenSinceSplitCheck = Long.MAX_VALUE / 2;
    }

    /** Counts {@code bytes} of writes proposed toward the next split check. */
    void written(final long bytes) {
        writtenSinceSplitCheck += bytes;
    }

    /** One tick of {@code leader}: sends the heartbeat and starts the split check that fell due, if any. */
    void onLeaderTick(final Peer leader) {
        if (++ticksSinceHeartbeat >= heartbeatTicks) {
            heartbeat(leader);
        }
        if (splitHooks != null && ++ticksSinceSplitCheck >= splitHooks.checkTicks()
                && writtenSinceSplitCheck >= splitHooks.sizeDiffHint()) {
            ticksSinceSplitCheck = 0;
            writtenSinceSplitCheck = 0;
            splitHooks.check().accept(leader);
        }
    }

    /** Sends {@code leader}'s region heartbeat now and restarts the heartbeat cadence. */
    void heartbeat(final Peer leader) {
        ticksSinceHeartbeat = 0;
        heartbeatSink.accept(leader);
    }
}
