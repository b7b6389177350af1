package org.tinykv.wal.codec;

/**
 * Fixed-width little-endian integers in byte arrays: the byte order of every format TinyKV defines.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class Fixed {

    private Fixed() {
    }

    /** Writes {@code value} as 2 little-endian bytes at {@code offset}. */
    public static void putShort(final byte[] target, final int offset, final int value) {
        target[offset] = (byte) value;
        target[offset + 1] = (byte) (value >>> 8);
    }

    /** Writes {@code value} as 4 little-endian bytes at {@code offset}. */
    public static void putInt(final byte[] target, final int offset, final int value) {
        target[offset] = (byte) value;
        target[offset + 1] = (byte) (value >>> 8);
        target[offset + 2] = (byte) (value >>> 16);
        target[offset + 3] = (byte) (value >>> 24);
    }

    /** Writes {@code value} as 8 little-endian bytes at {@code offset}. */
    public static void putLong(final byte[] target, final int offset, final long value) {
        putInt(target, offset, (int) value);
        putInt(target, offset + 4, (int) (value >>> 32));
    }

    /** Reads 2 little-endian bytes at {@code offset} as an unsigned value. */
    public static int getShort(final byte[] source, final int offset) {
        return (source[offset] & 0xff) | (source[offset + 1] & 0xff) << 8;
    }

    /** Reads 4 little-endian bytes at {@code offset}. */
    public static int getInt(final byte[] source, final int offset) {
        return (source[offset] & 0xff)
            | (source[offset + 1] & 0xff) << 8
            | (source[offset + 2] & 0xff) << 16
            | (source[offset + 3] & 0xff) << 24;
    }

    /** Reads 8 little-endian bytes at {@code offset}. */
    public static long getLong(final byte[] source, final int offset) {
        return (getInt(source, offset) & 0xffffffffL) | ((long) getInt(source, offset + 4)) << 32;
    }
}
