package org.tinykv.tools.bench.raw;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeySpaceTest {

    @Test
    void keysAreFixedSizeAndSortNumerically() {
        final KeySpace keys = new KeySpace(1000, 16);
        assertEquals("k000000000000000", new String(keys.key(0), US_ASCII));
        assertEquals("k000000000000999", new String(keys.key(999), US_ASCII));
        for (int i = 1; i < 1000; i++) {
            assertEquals(16, keys.key(i).length);
            assertTrue(Arrays.compareUnsigned(keys.key(i - 1), keys.key(i)) < 0, "key " + i);
        }
        assertEquals("k9", new String(new KeySpace(10, 2).key(9), US_ASCII));
    }

    @Test
    void rejectsKeySpacesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new KeySpace(0, 16));
        assertThrows(IllegalArgumentException.class, () -> new KeySpace(11, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> new KeySpace(10, 4).key(10));
        assertThrows(IndexOutOfBoundsException.class, () -> new KeySpace(10, 4).key(-1));
    }
}
