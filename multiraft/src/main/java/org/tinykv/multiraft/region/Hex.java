package org.tinykv.multiraft.region;

/** Lower-case hex rendering of keys for messages and logs. Thread-safety: stateless. */
final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    static String of(final byte[] b) {
        final StringBuilder sb = new StringBuilder(b.length * 2);
        for (final byte x : b) {
            sb.append(DIGITS[(x >> 4) & 0xf]).append(DIGITS[x & 0xf]);
        }
        return sb.toString();
    }
}
