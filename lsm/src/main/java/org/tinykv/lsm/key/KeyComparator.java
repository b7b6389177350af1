package org.tinykv.lsm.key;

import java.util.Arrays;
import java.util.Comparator;
import org.tinykv.wal.codec.Fixed;

/**
 * The orders of user keys (unsigned bytes) and internal keys (user key ascending, trailer descending).
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class KeyComparator {

    /** Compares whole-array internal keys. */
    public static final Comparator<byte[]> INTERNAL = (a, b) -> compareInternal(a, 0, a.length, b, 0, b.length);
    /** Compares whole-array user keys. */
    public static final Comparator<byte[]> USER = Arrays::compareUnsigned;

    private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private KeyComparator() {
    }

    /** Compares two internal keys held in array ranges. */
    public static int compareInternal(final byte[] a, final int aOff, final int aLen,
                                      final byte[] b, final int bOff, final int bLen) {
        final int aUser = aLen - InternalKey.TRAILER_BYTES;
        final int bUser = bLen - InternalKey.TRAILER_BYTES;
        final int c = compareBytes(a, aOff, aUser, b, bOff, bUser);
        if (c != 0) {
            return c;
        }
        final long at = Fixed.getLong(a, aOff + aUser);
        final long bt = Fixed.getLong(b, bOff + bUser);
        return Long.compareUnsigned(bt, at);
    }

    /**
     * Compares two byte ranges as unsigned strings (shorter prefix first), eight bytes at a time; faster than
     * {@link Arrays#compareUnsigned} on the short keys of a Db. Returns a negative, zero or positive number.
     */
    public static int compareBytes(final byte[] a, final int aOff, final int aLen,
                                   final byte[] b, final int bOff, final int bLen) {
        final int n = Math.min(aLen, bLen);
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            final long x = (long) BIG_ENDIAN_LONGS.get(a, aOff + i);
            final long y = (long) BIG_ENDIAN_LONGS.get(b, bOff + i);
            if (x != y) {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < n; i++) {
            final int d = (a[aOff + i] & 0xff) - (b[bOff + i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return aLen - bLen;
    }

    /** Compares the user-key part of an internal key in a range with a whole user key. */
    public static int compareUserPart(final byte[] ik, final int off, final int len, final byte[] userKey) {
        return Arrays.compareUnsigned(ik, off, off + len - InternalKey.TRAILER_BYTES, userKey, 0, userKey.length);
    }

    /** Returns whether the user parts of two internal keys are equal. */
    public static boolean sameUserKey(final byte[] a, final int aOff, final int aLen,
                                      final byte[] b, final int bOff, final int bLen) {
        return Arrays.equals(a, aOff, aOff + aLen - InternalKey.TRAILER_BYTES,
            b, bOff, bOff + bLen - InternalKey.TRAILER_BYTES);
    }
}
