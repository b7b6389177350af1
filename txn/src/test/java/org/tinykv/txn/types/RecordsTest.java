package org.tinykv.txn.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Lock and Write records, MVCC keys and timestamps. */
class RecordsTest {
    private static final long SEED = Long.getLong("txn.codec.seed", System.nanoTime());

    @Test
    void lockEncodingMatchesTheDocumentedLayout() {
        Lock lock = new Lock(new byte[] {3}, 100, 1000, LockKind.PUT);
        byte[] expected = {1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 3, (byte) 232};
        assertArrayEquals(expected, lock.toBytes());
        assertEquals(lock, Lock.fromBytes(expected));
        byte[] longPrimary = new byte[300];
        Lock big = new Lock(longPrimary, -1L, 7, LockKind.LOCK);
        byte[] enc = big.toBytes();
        assertEquals(4, enc[0]);
        assertEquals((byte) 0xAC, enc[1]); // 300 = 0b10_0101100 -> 0xAC 0x02
        assertEquals(2, enc[2]);
        assertEquals(big, Lock.fromBytes(enc));
        assertEquals(100, Lock.startTsOf(expected));
        assertEquals(-1L, Lock.startTsOf(enc));
        byte[] inline = new Lock(longPrimary, 42, 7, LockKind.PUT, new byte[255]).toBytes();
        assertEquals(42, Lock.startTsOf(inline));
    }

    @Test
    void malformedLocksAreRejected() {
        assertThrows(MvccDecodeException.class, () -> Lock.fromBytes(new byte[] {1, 1}));
        assertThrows(MvccDecodeException.class, () -> Lock.startTsOf(new byte[] {1, 1}));
        byte[] good = new Lock(new byte[] {3}, 100, 1000, LockKind.DELETE).toBytes();
        byte[] badKind = good.clone();
        badKind[0] = 9;
        assertThrows(MvccDecodeException.class, () -> Lock.fromBytes(badKind));
        byte[] badLen = good.clone();
        badLen[1] = 2;
        assertThrows(MvccDecodeException.class, () -> Lock.fromBytes(badLen));
        assertThrows(MvccDecodeException.class, () -> Lock.fromBytes(Arrays.copyOf(good, good.length + 1)));
    }

    @Test
    void writeEncoding() {
        Write w = new Write(100, WriteKind.ROLLBACK);
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 100}, w.toBytes());
        assertEquals(w, Write.fromBytes(w.toBytes()));
        assertThrows(MvccDecodeException.class, () -> Write.fromBytes(new byte[] {1, 0}));
        assertThrows(MvccDecodeException.class, () -> Write.fromBytes(new byte[] {7, 0, 0, 0, 0, 0, 0, 0, 1}));
        for (WriteKind k : WriteKind.values()) {
            assertEquals(k, WriteKind.fromCode(k.code()));
        }
        for (LockKind k : LockKind.values()) {
            assertEquals(k, LockKind.fromCode(k.code()));
            assertEquals(k.code(), k.writeKind().code());
        }
    }

    @Test
    void shortValuesFollowTheFixedFieldsOfLocksAndWrites() {
        Lock lock = new Lock(new byte[] {3}, 100, 1000, LockKind.PUT, new byte[] {42, 43});
        byte[] expected = {1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 3, (byte) 232, 'v', 2, 42, 43};
        assertArrayEquals(expected, lock.toBytes());
        assertEquals(lock, Lock.fromBytes(expected));
        Write write = new Write(100, WriteKind.PUT, new byte[0]);
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 100, 'v', 0}, write.toBytes());
        assertEquals(write, Write.fromBytes(write.toBytes()));
        assertFalse(write.equals(new Write(100, WriteKind.PUT)), "an empty short value is a value");
        byte[] longest = new byte[ShortValue.MAX_LENGTH];
        Arrays.fill(longest, (byte) 0xEE);
        Write full = new Write(-1L, WriteKind.PUT, longest);
        assertEquals(full, Write.fromBytes(full.toBytes()));
        assertThrows(IllegalArgumentException.class,
                () -> new Write(1, WriteKind.PUT, new byte[ShortValue.MAX_LENGTH + 1]));
        assertThrows(IllegalArgumentException.class, () -> new Write(1, WriteKind.DELETE, new byte[1]));
        assertThrows(IllegalArgumentException.class,
                () -> new Lock(new byte[] {3}, 1, 1, LockKind.LOCK, new byte[1]));
    }

    @Test
    void malformedShortValuesAreRejected() {
        byte[] lock = new Lock(new byte[] {3}, 100, 1000, LockKind.PUT, new byte[] {42, 43}).toBytes();
        byte[] write = new Write(100, WriteKind.PUT, new byte[] {42, 43}).toBytes();
        for (byte[] good : new byte[][] {lock, write}) {
            byte[] badFlag = good.clone();
            badFlag[good.length - 4] = 'w';
            byte[] badLength = good.clone();
            badLength[good.length - 3] = 3;
            for (byte[] bad : new byte[][] {badFlag, badLength, Arrays.copyOf(good, good.length - 1),
                    Arrays.copyOf(good, good.length + 1)}) {
                boolean isLock = good == lock;
                assertThrows(MvccDecodeException.class, () -> {
                    if (isLock) {
                        Lock.fromBytes(bad);
                    } else {
                        Write.fromBytes(bad);
                    }
                }, HexFormat.of().formatHex(bad));
            }
        }
        byte[] deleteWithValue = write.clone();
        deleteWithValue[0] = (byte) WriteKind.DELETE.code();
        assertThrows(MvccDecodeException.class, () -> Write.fromBytes(deleteWithValue));
        byte[] lockKindWithValue = lock.clone();
        lockKindWithValue[0] = (byte) LockKind.LOCK.code();
        assertThrows(MvccDecodeException.class, () -> Lock.fromBytes(lockKindWithValue));
    }

    @Test
    void mvccKeysSortNewestFirstWithinAUserKey() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String seedMsg = "seed=" + SEED + " (replay with -Dtxn.codec.seed=" + SEED + ")";
        System.out.println("RecordsTest " + seedMsg);
        for (int i = 0; i < 2000; i++) {
            byte[] a = new byte[rnd.nextInt(12)];
            byte[] b = new byte[rnd.nextInt(12)];
            for (int j = 0; j < a.length; j++) {
                a[j] = (byte) rnd.nextInt(3);
            }
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) rnd.nextInt(3);
            }
            long ta = rnd.nextLong();
            long tb = rnd.nextLong();
            byte[] ka = MvccKey.encode(a, ta);
            byte[] kb = MvccKey.encode(b, tb);
            int userCmp = Arrays.compareUnsigned(a, b);
            int expected = userCmp != 0 ? userCmp : -Long.compareUnsigned(ta, tb);
            assertEquals(Integer.signum(expected), Integer.signum(Arrays.compareUnsigned(ka, kb)), seedMsg);
            assertArrayEquals(a, MvccKey.decodeUserKey(ka), seedMsg);
            assertEquals(ta, MvccKey.decodeTs(ka), seedMsg);
            assertArrayEquals(MvccKey.lockKey(a), MvccKey.encodedUserKey(ka), seedMsg);
            assertArrayEquals(ka, MvccKey.withTs(MvccKey.lockKey(a), ta), seedMsg);
            // a region boundary EncodeBytes(b) splits mvcc keys exactly by user key
            assertEquals(Arrays.compareUnsigned(a, b) >= 0,
                    Arrays.compareUnsigned(ka, MvccKey.lockKey(b)) >= 0, seedMsg);
        }
        assertThrows(MvccDecodeException.class, () -> MvccKey.decodeUserKey(new byte[] {1, 2, 3}));
    }

    @Test
    void workedExampleOfTheFormatDocument() {
        HexFormat hex = HexFormat.of();
        byte[] ab = {0x61, 0x62};
        assertEquals("6162000000000000f9ffffffffffffff9b", hex.formatHex(MvccKey.encode(ab, 100)));
        assertEquals("6162000000000000f9", hex.formatHex(MvccKey.lockKey(ab)));
        assertEquals("0102616200000000000000640000000000000bb8",
                hex.formatHex(new Lock(ab, 100, 3000, LockKind.PUT).toBytes()));
        assertEquals("6162000000000000f9ffffffffffffff91", hex.formatHex(MvccKey.encode(ab, 110)));
        assertEquals("010000000000000064", hex.formatHex(new Write(100, WriteKind.PUT).toBytes()));
    }

    @Test
    void timestampParts() {
        long ts = TimeStamp.compose(1_700_000_000_000L, 5);
        assertEquals(1_700_000_000_000L, TimeStamp.physical(ts));
        assertEquals(5, TimeStamp.logical(ts));
        assertTrue(TimeStamp.compare(TimeStamp.MAX, ts) > 0);
        assertThrows(IllegalArgumentException.class, () -> TimeStamp.compose(1, 1 << 18));
        assertTrue(TimeStamp.isExpired(TimeStamp.compose(100, 9), 10, TimeStamp.compose(111, 0)));
        assertFalse(TimeStamp.isExpired(TimeStamp.compose(100, 9), 10, TimeStamp.compose(110, 200)));
        assertFalse(TimeStamp.isExpired(TimeStamp.compose(100, 0), Long.MAX_VALUE, TimeStamp.MAX));
    }
}
