package org.tinykv.scheduler.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told to. Thread-safe. */
public final class ManualClock extends Clock {

    private volatile long millis;

    /** Starts at {@code millis}. */
    public ManualClock(long millis) {
        this.millis = millis;
    }

    /** Moves the clock by {@code delta} ms (may be negative to simulate a step back). */
    public void advance(long delta) {
        millis += delta;
    }

    /** Sets the time. */
    public void set(long m) {
        millis = m;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
