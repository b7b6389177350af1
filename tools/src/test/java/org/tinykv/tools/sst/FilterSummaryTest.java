package org.tinykv.tools.sst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.sstable.BloomFilter;

/** Checks the filter statistics against filters built by the engine; seed replays with -Dfiltersummary.seed=N. */
final class FilterSummaryTest {

    private static final long SEED = Long.getLong("filtersummary.seed", System.nanoTime());

    @Test
    void matchesAnEngineBuiltFilterAndItsMeasuredFalsePositives() {
        final Random rnd = new Random(SEED);
        final int n = 2000;
        final long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            hashes[i] = rnd.nextLong();
        }
        final byte[] filter = BloomFilter.build(hashes, n, 10);
        final FilterSummary s = FilterSummary.of(filter);
        assertTrue(s.present());
        assertEquals(7, s.probes());
        assertEquals(20_000, s.bits());
        assertEquals(filter.length, s.bytes());
        int fp = 0;
        final int probes = 20_000;
        for (int i = 0; i < probes; i++) {
            fp += BloomFilter.mayContain(filter, rnd.nextLong()) ? 1 : 0;
        }
        final double measured = (double) fp / probes;
        assertTrue(Math.abs(measured - s.falsePositiveRate()) < 0.01,
            "seed " + SEED + ": measured " + measured + " estimated " + s.falsePositiveRate());
        assertTrue(s.describe(n).startsWith("2501 bytes, 20000 bits, k=7, "), s.describe(n));
    }

    @Test
    void emptyAndUnusableFilters() {
        assertFalse(FilterSummary.of(new byte[0]).present());
        assertEquals("none", FilterSummary.of(new byte[0]).describe(0));
        assertEquals("3 bytes, not a usable filter (k=0)", FilterSummary.of(new byte[] {1, 2, 0}).describe(5));
        assertEquals(1.0, FilterSummary.of(new byte[] {1, 2, 0}).falsePositiveRate());
    }
}
