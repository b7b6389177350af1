package org.tinykv.txn.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Memcomparable encoding: fixed vectors, round trips and order preservation on random input. */
class MemComparableTest {
    private static final long SEED = Long.getLong("txn.codec.seed", System.nanoTime());

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void knownVectors() {
        assertArrayEquals(hex("0000000000000000f7"), MemComparable.encodeBytes(new byte[0]));
        assertArrayEquals(hex("0102030000000000fa"), MemComparable.encodeBytes(hex("010203")));
        assertArrayEquals(hex("0102030405060708ff0000000000000000f7"),
                MemComparable.encodeBytes(hex("0102030405060708")));
        assertArrayEquals(hex("0102030405060708ff0900000000000000f8"),
                MemComparable.encodeBytes(hex("010203040506070809")));
        // "abc" as TiDB encodes it
        assertArrayEquals(hex("6162630000000000fa"), MemComparable.encodeBytes("abc".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void malformedInputIsRejected() {
        assertThrows(MvccDecodeException.class, () -> MemComparable.decodeBytes(hex("0102"), 0));
        assertThrows(MvccDecodeException.class, () -> MemComparable.decodeBytes(hex("0000000000000000f0"), 0));
        assertThrows(MvccDecodeException.class, () -> MemComparable.decodeBytes(hex("0100000000000001fa"), 0));
        assertThrows(MvccDecodeException.class,
                () -> MemComparable.decodeBytes(hex("0102030405060708ff"), 0)); // missing last group
        assertThrows(MvccDecodeException.class, () -> MemComparable.decodeFully(hex("0000000000000000f700")));
    }

    @Test
    void randomRoundTripAndOrder() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String seedMsg = "seed=" + SEED + " (replay with -Dtxn.codec.seed=" + SEED + ")";
        System.out.println("MemComparableTest " + seedMsg);
        byte[] prev = null;
        byte[] prevEnc = null;
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[rnd.nextInt(30)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(3) - 1 : rnd.nextInt(256)); // many 0x00/0xff
            }
            byte[] enc = MemComparable.encodeBytes(b);
            assertEquals(MemComparable.encodedLength(b.length), enc.length, seedMsg);
            MemComparable.Decoded d = MemComparable.decodeBytes(enc, 0);
            assertArrayEquals(b, d.data(), seedMsg);
            assertEquals(enc.length, d.consumed(), seedMsg);
            if (prev != null) {
                assertEquals(Integer.signum(Arrays.compareUnsigned(prev, b)),
                        Integer.signum(Arrays.compareUnsigned(prevEnc, enc)), seedMsg + " at " + i);
            }
            prev = b;
            prevEnc = enc;
        }
    }
}
