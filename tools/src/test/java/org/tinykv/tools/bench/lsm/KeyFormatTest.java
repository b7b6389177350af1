package org.tinykv.tools.bench.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

final class KeyFormatTest {

    @Test
    void keysAreZeroPaddedDecimalAndSortNumerically() {
        final KeyFormat keys = new KeyFormat(16, 1_000_000);
        assertArrayEquals("0000000000000042".getBytes(StandardCharsets.US_ASCII), keys.key(42));
        assertArrayEquals("0000000000999999".getBytes(StandardCharsets.US_ASCII), keys.key(999_999));
        assertTrue(Arrays.compareUnsigned(keys.key(9), keys.key(10)) < 0);
    }

    @Test
    void missingKeySortsBetweenNeighboursAndIsLonger() {
        final KeyFormat keys = new KeyFormat(8, 100);
        final byte[] missing = keys.missingKey(7);
        assertEquals(9, missing.length);
        assertTrue(Arrays.compareUnsigned(keys.key(7), missing) < 0);
        assertTrue(Arrays.compareUnsigned(missing, keys.key(8)) < 0);
    }

    @Test
    void rejectsKeySpacesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new KeyFormat(3, 1001));
        new KeyFormat(3, 1000);
        assertThrows(IllegalArgumentException.class, () -> new KeyFormat(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new KeyFormat(2, 100).key(100));
    }

    @Test
    void valuesHaveTheRequestedSizeAndCompressibleShape() {
        final ValueGenerator values = new ValueGenerator(100, 301);
        final byte[] v = values.next();
        assertEquals(100, v.length);
        assertArrayEquals(Arrays.copyOfRange(v, 0, 50), Arrays.copyOfRange(v, 50, 100));
        assertTrue(!Arrays.equals(v, values.next()), "consecutive values differ");
        assertArrayEquals(v, new ValueGenerator(100, 301).next(), "same seed, same values");
    }
}
