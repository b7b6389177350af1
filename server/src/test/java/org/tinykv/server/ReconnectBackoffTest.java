package org.tinykv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Delays double from the minimum to the maximum and start over after a long-lived stream or a reset. */
class ReconnectBackoffTest {

    private static final long MS = 1_000_000L;

    @Test
    void doublesUpToTheMaximumAndStartsOverAfterALongLivedStreamOrAReset() {
        final ReconnectBackoff b = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertEquals(100 * MS, b.nextDelayNanos(0, 10 * MS));
        assertEquals(200 * MS, b.nextDelayNanos(0, 10 * MS));
        assertEquals(400 * MS, b.nextDelayNanos(0, 10 * MS));
        assertEquals(800 * MS, b.nextDelayNanos(0, 10 * MS));
        assertEquals(1000 * MS, b.nextDelayNanos(0, 10 * MS));
        assertEquals(1000 * MS, b.nextDelayNanos(0, 10 * MS));
        assertEquals(100 * MS, b.nextDelayNanos(0, 1001 * MS), "a stream that lived longer than the maximum");
        assertEquals(200 * MS, b.nextDelayNanos(5_000 * MS, 5_010 * MS));
        b.reset();
        assertEquals(100 * MS, b.nextDelayNanos(5_000 * MS, 5_010 * MS));
    }
}
