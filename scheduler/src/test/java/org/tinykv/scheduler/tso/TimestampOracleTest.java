package org.tinykv.scheduler.tso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tinykv.scheduler.meta.MemMetaStore;
import org.tinykv.scheduler.meta.MetaKeys;
import org.tinykv.scheduler.sim.ManualClock;

class TimestampOracleTest {

    final ManualClock clock = new ManualClock(1_000_000);
    final MemMetaStore meta = new MemMetaStore();

    TimestampOracle started() throws IOException {
        TimestampOracle t = new TimestampOracle(meta, clock, 3000);
        t.start();
        return t;
    }

    @Test
    void layoutAndBatches() throws IOException {
        TimestampOracle t = started();
        long ts = t.allocate(1);
        assertEquals(1_000_000, TimestampOracle.physical(ts));
        assertEquals(0, TimestampOracle.logical(ts));
        long batch = t.allocate(100);
        assertEquals(100, TimestampOracle.logical(batch), "highest of logical 1..100");
        clock.advance(1);
        long next = t.allocate(1);
        assertEquals(1_000_001, TimestampOracle.physical(next));
        assertEquals(0, TimestampOracle.logical(next));
    }

    @Test
    void logicalOverflowMovesPhysicalAhead() throws IOException {
        TimestampOracle t = started();
        long a = t.allocate((int) TimestampOracle.MAX_LOGICAL - 10);
        long b = t.allocate(20); // does not fit in this millisecond
        assertEquals(TimestampOracle.physical(a) + 1, TimestampOracle.physical(b));
        assertEquals(19, TimestampOracle.logical(b));
        assertTrue(b - 19 > a, "the whole batch is above the previous one");
    }

    @Test
    void clockGoingBackwardsNeverMovesTimestampsBack() throws IOException {
        TimestampOracle t = started();
        long a = t.allocate(1);
        clock.advance(-500);
        long b = t.allocate(1);
        assertTrue(b > a);
        assertEquals(TimestampOracle.physical(a), TimestampOracle.physical(b));
    }

    @Test
    void restartStartsAbovePersistedLimit() throws IOException {
        TimestampOracle t = started();
        long last = 0;
        for (int i = 0; i < 10; i++) {
            clock.advance(1000);
            last = t.allocate(5);
        }
        long limit = t.limit();
        assertTrue(TimestampOracle.physical(last) <= limit);
        clock.set(0); // the wall clock is far behind after the restart
        TimestampOracle r = new TimestampOracle(meta, clock, 3000);
        r.start();
        long first = r.allocate(1);
        assertTrue(first > last, "after restart " + first + " > " + last);
        assertEquals(limit + 1, TimestampOracle.physical(first));
    }

    @Test
    void windowIsRenewedAheadByMaintainAndSynchronouslyWhenNeeded() throws IOException {
        TimestampOracle t = started();
        long writes = meta.writeCount();
        assertFalse(t.maintain());
        clock.advance(1600); // within half a window of the limit
        assertTrue(t.maintain());
        assertEquals(writes + 1, meta.writeCount());
        long limit = t.limit();
        clock.advance(10_000); // far past the limit, no maintain in between
        long ts = t.allocate(1);
        assertTrue(TimestampOracle.physical(ts) <= t.limit());
        assertTrue(t.limit() > limit);
        assertEquals(t.limit(), MetaKeys.decodeU64(MetaKeys.TSO_LIMIT, meta.get(MetaKeys.TSO_LIMIT)));
    }

    @Test
    void badCountsAreRefused() throws IOException {
        TimestampOracle t = started();
        assertThrows(IllegalArgumentException.class, () -> t.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> t.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> t.allocate((int) TimestampOracle.MAX_LOGICAL));
        TimestampOracle notStarted = new TimestampOracle(meta, clock, 3000);
        assertThrows(IllegalStateException.class, () -> notStarted.allocate(1));
    }

    @Test
    void randomizedStrictMonotonicityAcrossRestarts() throws IOException {
        long seed = Long.getLong("scheduler.seed", System.nanoTime());
        System.out.println("TimestampOracleTest seed=" + seed);
        Random rnd = new Random(seed);
        TimestampOracle t = started();
        long prev = -1;
        for (int i = 0; i < 20_000; i++) {
            int op = rnd.nextInt(100);
            if (op < 5) {
                clock.advance(rnd.nextInt(5000) - 1000);
            } else if (op < 6) {
                t = new TimestampOracle(meta, clock, 3000);
                t.start();
            } else if (op < 10) {
                t.maintain();
            }
            int count = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(200_000) : 1 + rnd.nextInt(100);
            long ts = t.allocate(count);
            long low = ts - (count - 1);
            assertTrue(low > prev, "seed=" + seed + " step=" + i);
            assertTrue(TimestampOracle.logical(low) >= 0 && TimestampOracle.logical(ts) < TimestampOracle.MAX_LOGICAL);
            assertEquals(TimestampOracle.physical(low), TimestampOracle.physical(ts), "one physical per batch");
            assertTrue(TimestampOracle.physical(ts) <= t.limit(), "seed=" + seed);
            prev = ts;
        }
    }
}
