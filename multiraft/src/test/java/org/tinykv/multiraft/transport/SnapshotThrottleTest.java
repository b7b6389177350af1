package org.tinykv.multiraft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SnapshotThrottleTest {

    @Test
    void transfersAreSerializedAtTheRate() {
        final SnapshotThrottle t = new SnapshotThrottle(1000);
        assertEquals(1500, t.reserve(1000, 500));
        assertEquals(2500, t.reserve(1000, 1000), "queued behind the first");
        assertEquals(10_000, t.reserve(9000, 1000), "idle link starts now");
        assertThrows(IllegalArgumentException.class, () -> new SnapshotThrottle(0));
    }
}
