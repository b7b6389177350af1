package org.tinykv.tools.bench.lsm;

import java.util.Arrays;

/**
 * Benchmark keys as {@code db_bench} makes them: the key number as zero-padded decimal ASCII, exactly
 * {@code keyBytes} long, so that numeric order is byte order. A missing key is an existing key's text followed by
 * {@code '.'} (one byte longer), which sorts between key {@code k} and key {@code k + 1} and is never written.
 *
 * <p>Thread-safety: immutable.
 */
final class KeyFormat {

    private final int keyBytes;

    /**
     * @param keyBytes width of a key in bytes
     * @param keyCount number of distinct keys {@code 0..keyCount-1} that must fit in {@code keyBytes} digits
     * @throws IllegalArgumentException if they do not fit
     */
    KeyFormat(final int keyBytes, final long keyCount) {
        if (keyBytes < 1 || keyBytes > 1024) {
            throw new IllegalArgumentException("key size must be 1..1024 bytes, got " + keyBytes);
        }
        final int digits = Long.toString(Math.max(0, keyCount - 1)).length();
        if (digits > keyBytes) {
            throw new IllegalArgumentException(
                "key size " + keyBytes + " is too small for " + keyCount + " keys (needs " + digits + " digits)");
        }
        this.keyBytes = keyBytes;
    }

    /** Width of a key in bytes. */
    int keyBytes() {
        return keyBytes;
    }

    /** A fresh array holding key number {@code n}. */
    byte[] key(final long n) {
        final byte[] key = new byte[keyBytes];
        fill(key, n);
        return key;
    }

    /** A fresh array holding the absent key that sorts right after key number {@code n}. */
    byte[] missingKey(final long n) {
        final byte[] key = new byte[keyBytes + 1];
        fill(key, n);
        key[keyBytes] = '.';
        return key;
    }

    private void fill(final byte[] key, final long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative key number " + n);
        }
        Arrays.fill(key, 0, keyBytes, (byte) '0');
        long rest = n;
        for (int i = keyBytes - 1; i >= 0 && rest != 0; i--) {
            key[i] = (byte) ('0' + (int) (rest % 10));
            rest /= 10;
        }
        if (rest != 0) {
            throw new IllegalArgumentException("key number " + n + " does not fit in " + keyBytes + " bytes");
        }
    }
}
