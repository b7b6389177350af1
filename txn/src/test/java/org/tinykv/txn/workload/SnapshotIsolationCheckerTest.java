package org.tinykv.txn.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinykv.txn.workload.SnapshotIsolationWorkload.Rec;

/** The history checker itself: it accepts a valid history and catches dirty, fuzzy and lost-update anomalies. */
class SnapshotIsolationCheckerTest {

    /** Eleven serial committed writers of k0 (values w0..w10), each at ts 10i / 10i+5. */
    private static List<Rec> serial() {
        List<Rec> h = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            Map<Integer, String> reads = new HashMap<>();
            reads.put(0, i == 1 ? null : "w" + (i - 1));
            h.add(new Rec(10L * i, 10L * i + 5, true, reads, Map.of(0, "w" + i)));
        }
        return h;
    }

    @Test
    void validHistoryPasses() {
        assertEquals(11, SnapshotIsolationWorkload.check(serial(), "test"));
    }

    @Test
    void dirtyReadIsCaught() {
        List<Rec> h = serial();
        h.add(new Rec(1000, 0, false, Map.of(0, "uncommitted"), Map.of()));
        AssertionError e = assertThrows(AssertionError.class, () -> SnapshotIsolationWorkload.check(h, "test"));
        assertTrue(e.getMessage().contains("read anomaly"), e.getMessage());
    }

    @Test
    void fuzzyReadOfALaterCommitIsCaught() {
        List<Rec> h = serial();
        h.add(new Rec(42, 0, false, Map.of(0, "w7"), Map.of())); // at 42 only w1..w3 are visible
        AssertionError e = assertThrows(AssertionError.class, () -> SnapshotIsolationWorkload.check(h, "test"));
        assertTrue(e.getMessage().contains("read anomaly"), e.getMessage());
    }

    @Test
    void lostUpdateIsCaught() {
        List<Rec> h = serial();
        h.add(new Rec(101, 130, true, Map.of(), Map.of(0, "late"))); // overlaps the writer at 110..115
        AssertionError e = assertThrows(AssertionError.class, () -> SnapshotIsolationWorkload.check(h, "test"));
        assertTrue(e.getMessage().contains("lost update"), e.getMessage());
    }
}
