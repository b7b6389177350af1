package org.tinykv.txn.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Keys of the three column families. In {@code default} and {@code write} a key is
 * {@code EncodeBytes(userKey) ++ BigEndian64(~ts)}, so for one user key newer versions sort first and a seek to
 * {@code encode(key, readTs)} lands on the newest version at or below {@code readTs}. In {@code lock} the key is
 * {@code EncodeBytes(userKey)} alone.
 *
 * <p>See docs/formats/mvcc.md. Stateless, thread-safe.
 */
public final class MvccKey {
    /** Bytes of the timestamp suffix. */
    public static final int TS_LENGTH = 8;

    private MvccKey() {
    }

    /** The default/write CF key of {@code userKey} at {@code ts}. */
    public static byte[] encode(byte[] userKey, long ts) {
        int encLen = MemComparable.encodedLength(userKey.length);
        byte[] out = new byte[encLen + TS_LENGTH];
        MemComparable.encodeInto(userKey, out, 0);
        putTs(out, encLen, ts);
        return out;
    }

    /**
     * The default/write CF key at {@code ts} of the user key whose {@code EncodeBytes} form is {@code encodedKey}
     * (as {@link #lockKey} returns it): {@code encode(userKey, ts)} without encoding the user key again.
     */
    public static byte[] withTs(byte[] encodedKey, long ts) {
        byte[] out = Arrays.copyOf(encodedKey, encodedKey.length + TS_LENGTH);
        putTs(out, encodedKey.length, ts);
        return out;
    }

    private static void putTs(byte[] out, int at, long ts) {
        long v = ~ts;
        for (int i = TS_LENGTH - 1; i >= 0; i--) {
            out[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** The lock CF key of {@code userKey}; also the key's position in encoded (region) key space. */
    public static byte[] lockKey(byte[] userKey) {
        return MemComparable.encodeBytes(userKey);
    }

    /** The user key of a lock CF key. */
    public static byte[] decodeLockKey(byte[] lockKey) {
        return MemComparable.decodeFully(lockKey);
    }

    /** The user key of a default/write CF key. */
    public static byte[] decodeUserKey(byte[] mvccKey) {
        MemComparable.Decoded d = MemComparable.decodeBytes(mvccKey, 0);
        if (mvccKey.length - d.consumed() != TS_LENGTH) {
            throw new MvccDecodeException("mvcc key has " + (mvccKey.length - d.consumed())
                    + " bytes after the user key, expected " + TS_LENGTH);
        }
        return d.data();
    }

    /** The timestamp of a default/write CF key. */
    public static long decodeTs(byte[] mvccKey) {
        if (mvccKey.length < TS_LENGTH + MemComparable.GROUP_SIZE + 1) {
            throw new MvccDecodeException("mvcc key too short: " + mvccKey.length + " bytes");
        }
        return ~ByteBuffer.wrap(mvccKey, mvccKey.length - TS_LENGTH, TS_LENGTH)
                .order(ByteOrder.BIG_ENDIAN).getLong();
    }

    /** The encoded user-key prefix of a default/write CF key (the key without its timestamp). */
    public static byte[] encodedUserKey(byte[] mvccKey) {
        if (mvccKey.length < TS_LENGTH) {
            throw new MvccDecodeException("mvcc key too short: " + mvccKey.length + " bytes");
        }
        byte[] out = new byte[mvccKey.length - TS_LENGTH];
        System.arraycopy(mvccKey, 0, out, 0, out.length);
        return out;
    }
}
