package org.tinykv.tools.bench.raw;

import java.nio.charset.StandardCharsets;

/**
 * The benchmark's keys: key {@code i} (0 &lt;= i &lt; count) is {@code "k"} followed by {@code i} in decimal,
 * left-padded with zeros to {@code keySize} bytes, so keys sort in numeric order and all have the same size.
 *
 * @param count   the number of distinct keys
 * @param keySize bytes per key
 */
public record KeySpace(long count, int keySize) {

    /** Checks that every key fits in {@code keySize} bytes. */
    public KeySpace {
        if (count < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, got " + count);
        }
        final int digits = Long.toString(count - 1).length();
        if (keySize < digits + 1) {
            throw new IllegalArgumentException("--key-size " + keySize + " is too small for " + count
                + " keys; it needs at least " + (digits + 1) + " bytes");
        }
    }

    /** Returns key {@code i}. */
    public byte[] key(final long i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("key index " + i + " outside 0.." + (count - 1));
        }
        final byte[] out = new byte[keySize];
        out[0] = 'k';
        final byte[] digits = Long.toString(i).getBytes(StandardCharsets.US_ASCII);
        final int pad = keySize - 1 - digits.length;
        for (int j = 1; j <= pad; j++) {
            out[j] = '0';
        }
        System.arraycopy(digits, 0, out, 1 + pad, digits.length);
        return out;
    }
}
