package org.tinykv.tools.sst;

import java.util.Locale;

/**
 * Statistics of a whole-table bloom filter block ({@code bits | k u8}, docs/formats/sst.md): its size, probe count,
 * how many bits are set, and the false-positive rate those imply ({@code fill^k}).
 *
 * @param bytes      bytes of the filter block contents (0: the table has no filter)
 * @param bits       bits in the bit array
 * @param probes     the probe count k
 * @param bitsSet    bits set to one
 */
record FilterSummary(int bytes, long bits, int probes, long bitsSet) {

    /** Summarises filter block contents. */
    static FilterSummary of(final byte[] filter) {
        if (filter.length < 2) {
            return new FilterSummary(filter.length, 0, 0, 0);
        }
        long set = 0;
        for (int i = 0; i < filter.length - 1; i++) {
            set += Integer.bitCount(filter[i] & 0xff);
        }
        return new FilterSummary(filter.length, (filter.length - 1) * 8L, filter[filter.length - 1] & 0xff, set);
    }

    /** Whether the table has a usable filter (a reader treats anything else as "may contain"). */
    boolean present() {
        return bits > 0 && probes >= 1 && probes <= 30;
    }

    /** Fraction of bits set. */
    double fill() {
        return bits == 0 ? 0 : (double) bitsSet / bits;
    }

    /** Estimated false-positive rate of a probe for an absent key. */
    double falsePositiveRate() {
        return present() ? Math.pow(fill(), probes) : 1.0;
    }

    /** One line for the dump, e.g. {@code 1251 bytes, 10000 bits, k=7, 34.1% set, est. false positives 0.053%}. */
    String describe(final long entries) {
        if (!present()) {
            return bytes == 0 ? "none" : bytes + " bytes, not a usable filter (k=" + probes + ")";
        }
        final String perEntry = entries > 0
            ? String.format(Locale.ROOT, ", %.1f bits/entry", (double) bits / entries) : "";
        return String.format(Locale.ROOT, "%d bytes, %d bits, k=%d, %.1f%% set%s, est. false positives %.3f%%",
            bytes, bits, probes, 100 * fill(), perEntry, 100 * falsePositiveRate());
    }
}
