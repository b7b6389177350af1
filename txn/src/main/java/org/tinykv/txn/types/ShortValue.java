package org.tinykv.txn.types;

import java.util.Arrays;

/**
 * The optional short-value trailer of lock and write records (docs/formats/mvcc.md §3.1): {@code 'v' len:u8
 * value[len]}. A put whose value fits is kept in its lock and then in its write record, not in the default CF, so
 * that a transaction writes and reads one record fewer per key (TiKV keeps short values the same way).
 * Stateless.
 */
public final class ShortValue {
    /** The longest value kept inline; longer ones go to the default CF. */
    public static final int MAX_LENGTH = 255;
    private static final byte FLAG = 'v';

    private ShortValue() {
    }

    /** Whether {@code value} is short enough to be kept inline. */
    public static boolean fits(byte[] value) {
        return value.length <= MAX_LENGTH;
    }

    /** Encoded size of the trailer for {@code value} (null: no trailer). */
    static int encodedLength(byte[] value) {
        return value == null ? 0 : 2 + value.length;
    }

    /** Writes the trailer for {@code value} (null: nothing) at {@code pos}; returns the position after it. */
    static int write(byte[] out, int pos, byte[] value) {
        if (value == null) {
            return pos;
        }
        out[pos] = FLAG;
        out[pos + 1] = (byte) value.length;
        System.arraycopy(value, 0, out, pos + 2, value.length);
        return pos + 2 + value.length;
    }

    /**
     * Reads the trailer that must fill {@code b} from {@code pos} to its end: null when nothing follows, else the
     * value. Throws {@link MvccDecodeException} naming {@code record} when the bytes are not exactly one trailer.
     */
    static byte[] read(byte[] b, int pos, String record) {
        int left = b.length - pos;
        if (left == 0) {
            return null;
        }
        if (left < 2 || b[pos] != FLAG || (b[pos + 1] & 0xFF) != left - 2) {
            throw new MvccDecodeException(record + " record: " + left + " bytes after the fixed fields are not a"
                    + " short value");
        }
        return Arrays.copyOfRange(b, pos + 2, b.length);
    }

    /** Checks that {@code value} (possibly null) may be kept inline. */
    static void check(byte[] value) {
        if (value != null && value.length > MAX_LENGTH) {
            throw new IllegalArgumentException("short value of " + value.length + " bytes, at most " + MAX_LENGTH);
        }
    }
}
