package org.tinykv.multiraft.fsm;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;

/**
 * Parks the worker thread while there is no work, for at most {@code maxParkNanos}, and lets producers wake it
 * early with {@link #wake()}. An idle store thus costs one wake-up per park period, not a spinning core.
 *
 * <p>Thread-safety: {@link #idle} is called by the owner thread; {@link #wake} by anyone.
 */
public final class WakeableIdleStrategy implements IdleStrategy {
    private final long maxParkNanos;
    private volatile Thread owner;
    private volatile boolean woken;

    /** Parks at most {@code maxParkMillis} per idle call. */
    public WakeableIdleStrategy(final long maxParkMillis) {
        this.maxParkNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, maxParkMillis));
    }

    @Override
    public void idle(final int workCount) {
        if (workCount > 0) {
            return;
        }
        idle();
    }

    @Override
    public void idle() {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        if (woken) {
            woken = false;
            return;
        }
        LockSupport.parkNanos(this, maxParkNanos);
        woken = false;
    }

    @Override
    public void reset() {
        woken = false;
    }

    /** Ends the current or next park early. */
    public void wake() {
        woken = true;
        final Thread t = owner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
