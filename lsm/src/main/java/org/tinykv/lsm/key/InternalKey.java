package org.tinykv.lsm.key;

import java.util.Arrays;
import org.tinykv.wal.codec.Fixed;

/**
 * Helpers for internal keys: a user key followed by an 8-byte little-endian trailer {@code (seq << 8) | kind}.
 *
 * <p>Internal keys order by user key ascending (unsigned bytes), then by trailer descending, so that the newest entry
 * of a user key comes first. See docs/formats/sst.md.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class InternalKey {

    /** Bytes of the trailer. */
    public static final int TRAILER_BYTES = 8;
    /** The largest sequence number (56 bits). */
    public static final long MAX_SEQ = (1L << 56) - 1;

    private InternalKey() {
    }

    /** Packs a sequence number and kind code into a trailer. */
    public static long trailer(final long seq, final int kindCode) {
        return (seq << 8) | (kindCode & 0xff);
    }

    /** Returns a new internal key for {@code userKey}. */
    public static byte[] encode(final byte[] userKey, final long seq, final int kindCode) {
        final byte[] out = Arrays.copyOf(userKey, userKey.length + TRAILER_BYTES);
        Fixed.putLong(out, userKey.length, trailer(seq, kindCode));
        return out;
    }

    /** The seek key that positions at the newest entry of {@code userKey} visible at sequence {@code seq}. */
    public static byte[] seekKey(final byte[] userKey, final long seq) {
        return encode(userKey, seq, ValueKind.SEEK_CODE);
    }

    /** Returns the trailer of the internal key in {@code buf[off, off + len)}. */
    public static long trailerOf(final byte[] buf, final int off, final int len) {
        return Fixed.getLong(buf, off + len - TRAILER_BYTES);
    }

    /** Returns the sequence number of a trailer. */
    public static long seqOf(final long trailer) {
        return trailer >>> 8;
    }

    /** Returns the kind code of a trailer. */
    public static int kindOf(final long trailer) {
        return (int) (trailer & 0xff);
    }

    /** Returns a copy of the user key of an internal key. */
    public static byte[] userKey(final byte[] buf, final int off, final int len) {
        return Arrays.copyOfRange(buf, off, off + len - TRAILER_BYTES);
    }

    /** Returns a copy of the user key of an internal key held in a whole array. */
    public static byte[] userKey(final byte[] internalKey) {
        return userKey(internalKey, 0, internalKey.length);
    }
}
