package org.tinykv.txn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.errorpb.Error;

/** MemEngine: snapshot isolation, atomic batches, iterator bounds, and a TreeMap model check. */
class MemEngineTest {
    private static final long SEED = Long.getLong("txn.engine.seed", System.nanoTime());
    private final MemEngine engine = new MemEngine();

    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void snapshotDoesNotSeeLaterWrites() {
        engine.write(null, List.of(new Modify.Put(TxnCf.DEFAULT, b(1), b(10))));
        try (EngineSnapshot snap = engine.snapshot(null)) {
            engine.write(null, List.of(new Modify.Put(TxnCf.DEFAULT, b(1), b(11)),
                    new Modify.Put(TxnCf.DEFAULT, b(2), b(20)), new Modify.Delete(TxnCf.DEFAULT, b(1))));
            assertArrayEquals(b(10), snap.get(TxnCf.DEFAULT, b(1)));
            assertNull(snap.get(TxnCf.DEFAULT, b(2)));
            try (EngineIterator it = snap.iterator(TxnCf.DEFAULT, null, null)) {
                it.seek(new byte[0]);
                assertArrayEquals(b(1), it.key());
                it.next();
                assertFalse(it.valid());
            }
        }
        try (EngineSnapshot snap = engine.snapshot(null)) {
            assertNull(snap.get(TxnCf.DEFAULT, b(1)), "later modification in a batch wins");
            assertArrayEquals(b(20), snap.get(TxnCf.DEFAULT, b(2)));
            assertNull(snap.get(TxnCf.LOCK, b(2)), "column families are separate");
        }
    }

    @Test
    void oldVersionsArePrunedUnlessASnapshotPinsThem() {
        EngineSnapshot pinned = null;
        for (int i = 0; i < 100; i++) {
            engine.write(null, List.of(new Modify.Put(TxnCf.LOCK, b(1), b(i))));
            if (i == 10) {
                pinned = engine.snapshot(null);
            }
        }
        assertTrue(engine.storedVersions() > 50, "pinned versions were pruned");
        assertArrayEquals(b(10), pinned.get(TxnCf.LOCK, b(1)));
        pinned.close();
        pinned.close();
        engine.write(null, List.of(new Modify.Put(TxnCf.LOCK, b(1), b(100))));
        assertEquals(1, engine.storedVersions());
        engine.write(null, List.of(new Modify.Delete(TxnCf.LOCK, b(1))));
        try (EngineSnapshot s = engine.snapshot(null)) {
            assertNull(s.get(TxnCf.LOCK, b(1)));
        }
        assertEquals(1, engine.storedVersions());
    }

    @Test
    void iteratorBounds() {
        List<Modify> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(new Modify.Put(TxnCf.WRITE, b(i), b(i)));
        }
        engine.write(null, batch);
        try (EngineSnapshot snap = engine.snapshot(null);
             EngineIterator it = snap.iterator(TxnCf.WRITE, b(3), b(6))) {
            it.seek(b(0));
            List<Integer> seen = new ArrayList<>();
            for (; it.valid(); it.next()) {
                seen.add((int) it.key()[0]);
            }
            assertEquals(List.of(3, 4, 5), seen);
            it.seek(b(5));
            assertArrayEquals(b(5), it.value());
            it.seek(b(6));
            assertFalse(it.valid());
            assertThrows(IllegalStateException.class, it::key);
        }
    }

    @Test
    void injectedRegionErrorIsThrownOnce() {
        Error err = Error.newBuilder().setMessage("stale").build();
        engine.injectRegionError(err);
        RegionErrorException e = assertThrows(RegionErrorException.class, () -> engine.snapshot(null));
        assertEquals(err, e.error());
        engine.snapshot(null).close();
    }

    @Test
    void randomOperationsMatchTreeMapModel() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String seedMsg = "seed=" + SEED + " (replay with -Dtxn.engine.seed=" + SEED + ")";
        System.out.println("MemEngineTest " + seedMsg);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        List<Map.Entry<EngineSnapshot, TreeMap<byte[], byte[]>>> snaps = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            List<Modify> batch = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                byte[] key = b(rnd.nextInt(20));
                if (rnd.nextInt(3) == 0) {
                    batch.add(new Modify.Delete(TxnCf.DEFAULT, key));
                    model.remove(key);
                } else {
                    byte[] v = b(step, i);
                    batch.add(new Modify.Put(TxnCf.DEFAULT, key, v));
                    model.put(key, v);
                }
            }
            engine.write(null, batch);
            if (step % 40 == 0) {
                snaps.add(Map.entry(engine.snapshot(null), new TreeMap<>(model)));
            }
        }
        snaps.add(Map.entry(engine.snapshot(null), new TreeMap<>(model)));
        for (Map.Entry<EngineSnapshot, TreeMap<byte[], byte[]>> e : snaps) {
            try (EngineSnapshot snap = e.getKey(); EngineIterator it = snap.iterator(TxnCf.DEFAULT, null, null)) {
                List<String> got = new ArrayList<>();
                for (it.seek(new byte[0]); it.valid(); it.next()) {
                    got.add(Arrays.toString(it.key()) + "=" + Arrays.toString(it.value()));
                }
                List<String> want = new ArrayList<>();
                e.getValue().forEach((k, v) -> want.add(Arrays.toString(k) + "=" + Arrays.toString(v)));
                assertEquals(want, got, seedMsg);
                for (int k = 0; k < 20; k++) {
                    assertArrayEquals(e.getValue().get(b(k)), snap.get(TxnCf.DEFAULT, b(k)), seedMsg);
                }
            }
        }
        assertTrue(snaps.size() > 1);
    }
}
