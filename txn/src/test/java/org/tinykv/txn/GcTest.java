package org.tinykv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.tinykv.txn.cases.TxnCaseKit.get;
import static org.tinykv.txn.cases.TxnCaseKit.k;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinykv.txn.cases.TxnCaseKit;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/** MVCC GC: shadowed versions at or below the safe point go, anything a reader at the safe point sees stays. */
class GcTest {
    private static final long SEED = Long.getLong("txn.gc.seed", System.nanoTime());
    private final MemEngine engine = new MemEngine();
    private final TxnCommands cmds = new TxnCommands(engine, new Latches(64));
    private final TxnCaseKit kit = new TxnCaseKit(cmds, engine);

    @Test
    void keepsVisibleVersionAndNewerOnes() {
        kit.committed(k(1), 10, 11, k(1));
        kit.committed(k(1), 20, 21, k(2));
        kit.committed(k(1), 30, 31, k(3));
        GcResult r = cmds.gc(Context.getDefaultInstance(), 25);
        assertEquals(1, r.keysScanned());
        assertEquals(1, r.versionsRemoved());
        kit.assertLens(2, 0, 2);
        assertNull(kit.writeAt(k(1), 11));
        assertNull(kit.valueAt(k(1), 10));
        assertNotNull(kit.valueAt(k(1), 20));
    }

    @Test
    void removesVisibleDeleteRollbacksAndLockRecords() {
        kit.committed(k(2), 10, 11, k(1));
        kit.write(k(2), 15, WriteKind.ROLLBACK, 15);
        kit.write(k(2), 17, WriteKind.LOCK, 16);
        kit.write(k(2), 21, WriteKind.DELETE, 20);
        kit.write(k(2), 23, WriteKind.ROLLBACK, 23);
        kit.committed(k(3), 5, 6, k(9));
        kit.write(k(3), 8, WriteKind.LOCK, 7); // lock record above the visible put
        kit.prewritten(k(3), k(3), 40, 100, k(8));
        cmds.gc(Context.getDefaultInstance(), 30);
        kit.assertLens(2, 1, 1);
        kit.assertWrite(k(3), 6, WriteKind.PUT, 5);
        assertEquals(40, kit.lockOf(k(3)).startTs());
    }

    @Test
    void nothingAtOrBelowSafePointIsKept() {
        kit.committed(k(4), 50, 51, k(1));
        kit.write(k(4), 60, WriteKind.ROLLBACK, 60);
        cmds.gc(Context.getDefaultInstance(), 40);
        kit.assertLens(1, 0, 2);
    }

    @Test
    void randomHistoriesReadTheSameAtAndAfterSafePoint() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String seedMsg = "seed=" + SEED + " (replay with -Dtxn.gc.seed=" + SEED + ")";
        System.out.println("GcTest " + seedMsg);
        int keys = 300; // more than one GC batch
        long ts = 10;
        for (int i = 0; i < 1500; i++) {
            byte[] key = k(rnd.nextInt(keys) / 256, rnd.nextInt(keys) % 256);
            long start = ts;
            long commit = ts + 1 + rnd.nextInt(3);
            ts = commit + 1;
            switch (rnd.nextInt(6)) {
                case 0 -> kit.write(key, commit, WriteKind.DELETE, start);
                case 1 -> kit.write(key, start, WriteKind.ROLLBACK, start);
                case 2 -> kit.write(key, commit, WriteKind.LOCK, start);
                case 3 -> kit.committedInline(key, start, commit, k(i / 256, i % 256));
                default -> kit.committed(key, start, commit, k(i / 256, i % 256));
            }
            if (rnd.nextInt(50) == 0 && kit.lockOf(key) == null) { // one lock per key, so no value is orphaned
                kit.prewritten(key, key, ts, 10, k(7));
                ts++;
            }
        }
        long safePoint = 10 + rnd.nextLong(ts - 10);
        List<long[]> probes = new ArrayList<>();
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long at = safePoint + rnd.nextLong(ts + 5 - safePoint);
            int key = rnd.nextInt(keys);
            probes.add(new long[] {key, at});
            before.add(render(cmds.get(get(k(key / 256, key % 256), at))));
        }
        int writesBefore = engine.entries(org.tinykv.txn.engine.TxnCf.WRITE).size();
        GcResult r = cmds.gc(Context.getDefaultInstance(), safePoint);
        assertEquals(writesBefore - r.versionsRemoved(),
                engine.entries(org.tinykv.txn.engine.TxnCf.WRITE).size(), seedMsg);
        for (int i = 0; i < probes.size(); i++) {
            long[] p = probes.get(i);
            int key = (int) p[0];
            assertEquals(before.get(i), render(cmds.get(get(k(key / 256, key % 256), p[1]))),
                    seedMsg + " safePoint=" + safePoint + " key=" + key + " ts=" + p[1]);
        }
        // every value left in the default CF belongs to a put write or lock that keeps no short value, and vice versa
        int staged = 0;
        for (var e : engine.entries(org.tinykv.txn.engine.TxnCf.WRITE)) {
            Write w = Write.fromBytes(e.getValue());
            if (w.kind() == WriteKind.PUT && w.shortValue() == null) {
                staged++;
            }
        }
        for (var e : engine.entries(org.tinykv.txn.engine.TxnCf.LOCK)) {
            Lock l = Lock.fromBytes(e.getValue());
            if (l.kind() == LockKind.PUT && l.shortValue() == null) {
                staged++;
            }
        }
        assertEquals(staged, engine.entries(org.tinykv.txn.engine.TxnCf.DEFAULT).size(), seedMsg);
        // a second pass finds nothing more to remove
        assertEquals(0, cmds.gc(Context.getDefaultInstance(), safePoint).versionsRemoved(), seedMsg);
    }

    private static String render(GetResponse r) {
        if (r.hasError()) {
            return "locked@" + r.getError().getLocked().getLockVersion();
        }
        return r.getNotFound() ? "none" : java.util.HexFormat.of().formatHex(r.getValue().toByteArray());
    }

    @Test
    void lockedKeyIsStillLockedAfterGc() {
        kit.committed(k(9), 10, 11, k(1));
        kit.lock(k(9), k(9), 12, 10, LockKind.PUT);
        cmds.gc(Context.getDefaultInstance(), 100);
        assertEquals(12, kit.lockOf(k(9)).startTs());
    }
}
