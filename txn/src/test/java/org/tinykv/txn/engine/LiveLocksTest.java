package org.tinykv.txn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;

/** The live-lock index on its own: what puts, deletes and range deletes leave in it. */
class LiveLocksTest {
    private static byte[] lock(long startTs) {
        return new Lock(new byte[] {'p'}, startTs, 3000, LockKind.PUT, new byte[] {1, 2}).toBytes();
    }

    private static List<String> keysOf(LiveLocks live, long startTs) {
        return live.keysOf(startTs).stream().map(String::new).toList();
    }

    @Test
    void keysAreFoundByTheirLocksStartTimestampInKeyOrder() {
        LiveLocks live = new LiveLocks();
        live.put("c".getBytes(), lock(10));
        live.put("a".getBytes(), lock(10));
        live.put("b".getBytes(), lock(20));
        assertEquals(List.of("a", "c"), keysOf(live, 10));
        assertEquals(List.of("b"), keysOf(live, 20));
        assertEquals(List.of(), keysOf(live, 30));
    }

    @Test
    void aNewerLockOnTheSameKeyReplacesTheOlder() {
        LiveLocks live = new LiveLocks();
        live.put("a".getBytes(), lock(10));
        live.put("a".getBytes(), lock(20));
        assertEquals(List.of(), keysOf(live, 10));
        assertEquals(List.of("a"), keysOf(live, 20));
        assertEquals(1, live.size());
    }

    @Test
    void deletesAndRangeDeletesDropKeys() {
        LiveLocks live = new LiveLocks();
        for (String k : List.of("a", "b", "c", "d", "e")) {
            live.put(k.getBytes(), lock(10));
        }
        live.remove("a".getBytes());
        live.removeRange("b".getBytes(), "d".getBytes());
        assertEquals(List.of("d", "e"), keysOf(live, 10));
        live.removeRange("e".getBytes(), "b".getBytes()); // an empty range removes nothing
        assertEquals(2, live.size());
        live.remove("zz".getBytes()); // absent: nothing happens
        assertEquals(2, live.size());
        live.removeRange("e".getBytes(), null);
        assertEquals(List.of("d"), keysOf(live, 10));
    }

    @Test
    void aValueThatIsNotALockDropsItsKey() {
        LiveLocks live = new LiveLocks();
        live.put("a".getBytes(), lock(10));
        live.put("a".getBytes(), new byte[] {1, 2, 3});
        assertTrue(live.keysOf(10).isEmpty());
        assertEquals(0, live.size());
    }
}
