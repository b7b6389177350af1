package org.tinykv.txn.cases;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.txn.cases.TxnCaseKit.get;
import static org.tinykv.txn.cases.TxnCaseKit.k;
import static org.tinykv.txn.cases.TxnCaseKit.scan;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.WriteKind;

/** KvGet and KvScan, mirroring the cases of TinyKV's project 4 get/scan tests. */
public abstract class GetScanCases extends TxnCases {

    private GetResponse doGet(byte[] key, long ts) {
        return kit.api().get(get(key, ts));
    }

    @Test
    public void getValueAtMaxTs() {
        kit.committed(k(99), 50, 54, k(42));
        GetResponse r = doGet(k(99), TimeStamp.MAX);
        assertFalse(r.hasRegionError());
        assertFalse(r.hasError());
        assertArrayEquals(k(42), r.getValue().toByteArray());
    }

    @Test
    public void getEmptyAndMissing() {
        assertTrue(doGet(k(100), TimeStamp.MAX).getNotFound());
        kit.committed(k(99), 50, 54, k(42));
        kit.committed(k(101), 50, 54, k(42));
        GetResponse r = doGet(k(100), TimeStamp.MAX);
        assertTrue(r.getNotFound());
        assertTrue(r.getValue().isEmpty());
    }

    @Test
    public void getVersions() {
        kit.committed(k(99), 50, 54, k(42));
        kit.committed(k(99), 60, 66, k(43));
        kit.committed(k(99), 120, 122, k(44));
        assertTrue(doGet(k(99), 40).getNotFound());
        assertArrayEquals(k(42), doGet(k(99), 56).getValue().toByteArray());
        assertArrayEquals(k(42), doGet(k(99), 60).getValue().toByteArray());
        assertArrayEquals(k(42), doGet(k(99), 65).getValue().toByteArray());
        assertArrayEquals(k(43), doGet(k(99), 66).getValue().toByteArray());
        assertArrayEquals(k(43), doGet(k(99), 100).getValue().toByteArray());
        assertArrayEquals(k(44), doGet(k(99), 122).getValue().toByteArray());
    }

    @Test
    public void getDeleted() {
        kit.committed(k(99), 50, 54, k(42));
        kit.write(k(99), 66, WriteKind.DELETE, 60);
        kit.committed(k(99), 120, 122, k(44));
        assertArrayEquals(k(42), doGet(k(99), 54).getValue().toByteArray());
        assertArrayEquals(k(42), doGet(k(99), 65).getValue().toByteArray());
        assertTrue(doGet(k(99), 66).getNotFound());
        assertTrue(doGet(k(99), 67).getNotFound());
        assertArrayEquals(k(44), doGet(k(99), 122).getValue().toByteArray());
    }

    @Test
    public void getSkipsRollbackAndLockRecords() {
        kit.committed(k(5), 10, 11, k(1));
        kit.write(k(5), 20, WriteKind.ROLLBACK, 20);
        kit.write(k(5), 31, WriteKind.LOCK, 30);
        assertArrayEquals(k(1), doGet(k(5), 40).getValue().toByteArray());
    }

    @Test
    public void getLockedOnlyAtOrBelowReadTs() {
        kit.committed(k(99), 50, 54, k(42));
        kit.lock(k(99), k(99), 200, 0, LockKind.PUT);
        GetResponse before = doGet(k(99), 55);
        assertFalse(before.hasError());
        assertArrayEquals(k(42), before.getValue().toByteArray());
        GetResponse at = doGet(k(99), 200);
        assertTrue(at.hasError());
        GetResponse after = doGet(k(99), 300);
        assertTrue(after.getError().hasLocked());
        assertArrayEquals(k(99), after.getError().getLocked().getKey().toByteArray());
        assertArrayEquals(k(99), after.getError().getLocked().getPrimaryLock().toByteArray());
        assertEquals(200, after.getError().getLocked().getLockVersion());
    }

    @Test
    public void readLockDoesNotBlockReads() {
        kit.committed(k(7), 50, 54, k(42));
        kit.lock(k(7), k(1), 100, 3000, LockKind.LOCK);
        GetResponse r = doGet(k(7), 200);
        assertFalse(r.hasError());
        assertArrayEquals(k(42), r.getValue().toByteArray());
        KvPair p = kit.api().scan(scan(k(0), 10, 200)).getPairs(0);
        assertFalse(p.hasError());
        assertArrayEquals(k(42), p.getValue().toByteArray());
    }

    /** The data set of TinyKV's scan tests, in our own arrangement. */
    private void scanData() {
        kit.committed(k(1), 80, 81, k(50));
        kit.committed(k(1, 23), 80, 81, k(55));
        kit.committed(k(3), 80, 81, k(51));
        kit.committed(k(4), 80, 81, k(52));
        kit.committed(k(4), 82, 90, k(59)); // newer than the read ts
        kit.committed(k(5), 80, 81, k(53));
        kit.committed(k(6), 80, 81, k(54));
        kit.write(k(6), 85, WriteKind.DELETE, 84);
        kit.committed(k(7), 80, 81, k(55));
        kit.write(k(7), 82, WriteKind.ROLLBACK, 82);
        kit.committed(k(8), 80, 81, k(56));
        kit.committed(k(120), 80, 81, k(57));
        kit.committed(k(150), 80, 81, k(58));
        kit.committed(k(199), 80, 81, k(60));
        kit.committed(k(200), 95, 96, k(61)); // invisible at 86
    }

    private static final long READ_TS = 86;

    @Test
    public void scanEmptyAndZeroLimit() {
        scanData();
        assertEquals(0, kit.api().scan(scan(k(201), 10000, READ_TS)).getPairsCount());
        assertEquals(0, kit.api().scan(scan(k(3), 0, READ_TS)).getPairsCount());
    }

    @Test
    public void scanAllRespectsTimestamp() {
        scanData();
        List<KvPair> pairs = kit.api().scan(scan(k(0), 10000, READ_TS)).getPairsList();
        assertEquals(10, pairs.size(), pairs.toString());
        assertArrayEquals(k(1), pairs.get(0).getKey().toByteArray());
        assertArrayEquals(k(50), pairs.get(0).getValue().toByteArray());
        assertArrayEquals(k(1, 23), pairs.get(1).getKey().toByteArray());
        assertArrayEquals(k(52), pairs.get(3).getValue().toByteArray());
        assertArrayEquals(k(199), pairs.get(9).getKey().toByteArray());
        assertArrayEquals(k(60), pairs.get(9).getValue().toByteArray());
        for (KvPair p : pairs) {
            assertFalse(p.getKey().toByteArray().length == 1 && p.getKey().byteAt(0) == 6, "deleted key");
        }
    }

    @Test
    public void scanLimitAndStart() {
        scanData();
        List<KvPair> pairs = kit.api().scan(scan(k(2), 6, READ_TS)).getPairsList();
        assertEquals(6, pairs.size());
        assertArrayEquals(k(3), pairs.get(0).getKey().toByteArray());
        assertArrayEquals(k(51), pairs.get(0).getValue().toByteArray());
        assertArrayEquals(k(120), pairs.get(5).getKey().toByteArray());
        assertArrayEquals(k(57), pairs.get(5).getValue().toByteArray());
    }

    @Test
    public void scanReportsLocksWithKeyAndCountsThem() {
        scanData();
        kit.prewritten(k(5), k(4), 70, 3000, k(99));      // lock below read ts: blocks
        kit.prewritten(k(121), k(121), 70, 3000, k(98));  // lock on a key with no write
        kit.prewritten(k(150), k(150), 90, 3000, k(97));  // lock above read ts: ignored
        ScanResponse r = kit.api().scan(scan(k(4), 4, READ_TS));
        List<KvPair> pairs = r.getPairsList();
        assertEquals(4, pairs.size());
        assertArrayEquals(k(4), pairs.get(0).getKey().toByteArray());
        assertTrue(pairs.get(1).getError().hasLocked());
        assertArrayEquals(k(5), pairs.get(1).getKey().toByteArray());
        assertArrayEquals(k(5), pairs.get(1).getError().getLocked().getKey().toByteArray());
        assertArrayEquals(k(4), pairs.get(1).getError().getLocked().getPrimaryLock().toByteArray());
        assertEquals(70, pairs.get(1).getError().getLocked().getLockVersion());
        assertArrayEquals(k(7), pairs.get(2).getKey().toByteArray());
        assertArrayEquals(k(8), pairs.get(3).getKey().toByteArray());
        List<KvPair> rest = kit.api().scan(scan(k(9), 100, READ_TS)).getPairsList();
        assertEquals(4, rest.size());
        assertArrayEquals(k(121), rest.get(1).getError().getLocked().getKey().toByteArray());
        assertArrayEquals(k(58), rest.get(2).getValue().toByteArray());
    }
}
