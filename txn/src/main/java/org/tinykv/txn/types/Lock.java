package org.tinykv.txn.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A Percolator lock: the value stored in the lock CF under {@code EncodeBytes(userKey)}.
 *
 * <p>Encoding (see docs/formats/mvcc.md): {@code kind:u8 | uvarint(len(primary)) | primary | startTs:u64 BE |
 * ttl:u64 BE}, then the {@link ShortValue} trailer if there is a short value. Immutable value; the arrays are never
 * modified.
 *
 * @param primary the transaction's primary key (user key)
 * @param startTs the owning transaction's start timestamp
 * @param ttl lock lifetime in milliseconds, counted from the physical part of {@code startTs}
 * @param kind what committing the lock will write
 * @param shortValue the value of a put kept in the lock (at most {@link ShortValue#MAX_LENGTH} bytes), or null when
 *     the kind is not a put or the value is in the default CF
 */
public record Lock(byte[] primary, long startTs, long ttl, LockKind kind, byte[] shortValue) {
    private static final int FIXED_TAIL = 16;
    private static final int MAX_VARINT_BYTES = 5;

    /** Validates the components. */
    public Lock {
        if (primary == null || kind == null) {
            throw new IllegalArgumentException("lock primary and kind must be set");
        }
        if (shortValue != null && kind != LockKind.PUT) {
            throw new IllegalArgumentException("only a put lock holds a value, not a " + kind + " lock");
        }
        ShortValue.check(shortValue);
    }

    /** A lock without a short value. */
    public Lock(byte[] primary, long startTs, long ttl, LockKind kind) {
        this(primary, startTs, ttl, kind, null);
    }

    /** The encoded form. */
    public byte[] toBytes() {
        int len = primary.length;
        int varint = 1;
        for (int v = len >>> 7; v != 0; v >>>= 7) {
            varint++;
        }
        byte[] out = new byte[1 + varint + len + FIXED_TAIL + ShortValue.encodedLength(shortValue)];
        int pos = 0;
        out[pos++] = (byte) kind.code();
        while ((len & ~0x7F) != 0) {
            out[pos++] = (byte) ((len & 0x7F) | 0x80);
            len >>>= 7;
        }
        out[pos++] = (byte) len;
        System.arraycopy(primary, 0, out, pos, primary.length);
        pos += primary.length;
        ByteBuffer.wrap(out, pos, FIXED_TAIL).order(ByteOrder.BIG_ENDIAN).putLong(startTs).putLong(ttl);
        ShortValue.write(out, pos + FIXED_TAIL, shortValue);
        return out;
    }

    /** Decodes a lock value, or throws {@link MvccDecodeException} naming the problem. */
    public static Lock fromBytes(byte[] b) {
        int tailAt = fixedTailOffset(b);
        LockKind kind = LockKind.fromCode(b[0] & 0xFF);
        int primaryAt = 1;
        while ((b[primaryAt] & 0x80) != 0) {
            primaryAt++;
        }
        primaryAt++;
        byte[] primary = Arrays.copyOfRange(b, primaryAt, tailAt);
        ByteBuffer tail = ByteBuffer.wrap(b, tailAt, FIXED_TAIL).order(ByteOrder.BIG_ENDIAN);
        long startTs = tail.getLong();
        long ttl = tail.getLong();
        byte[] shortValue = ShortValue.read(b, tailAt + FIXED_TAIL, "lock");
        if (shortValue != null && kind != LockKind.PUT) {
            throw new MvccDecodeException("lock record: a " + kind + " lock with a short value");
        }
        return new Lock(primary, startTs, ttl, kind, shortValue);
    }

    /**
     * The start timestamp of an encoded lock, read without decoding the rest (the kind, the ttl and a short value
     * are not checked); throws {@link MvccDecodeException} if the record is too short to hold one.
     */
    public static long startTsOf(byte[] b) {
        return ByteBuffer.wrap(b, fixedTailOffset(b), Long.BYTES).order(ByteOrder.BIG_ENDIAN).getLong();
    }

    /** Where the fixed fields (start ts, ttl) of an encoded lock begin, after its primary key. */
    private static int fixedTailOffset(byte[] b) {
        if (b.length < 2 + FIXED_TAIL) {
            throw new MvccDecodeException("lock record too short: " + b.length + " bytes");
        }
        int pos = 1;
        long len = 0;
        int shift = 0;
        while (true) {
            if (pos >= b.length || pos > MAX_VARINT_BYTES) {
                throw new MvccDecodeException("lock record: bad primary length varint");
            }
            int v = b[pos++] & 0xFF;
            len |= (long) (v & 0x7F) << shift;
            if ((v & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        if (len > b.length - pos - FIXED_TAIL) {
            throw new MvccDecodeException("lock record: primary length " + len + " does not fit record size "
                    + b.length);
        }
        return pos + (int) len;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lock l && Arrays.equals(primary, l.primary) && startTs == l.startTs && ttl == l.ttl
                && kind == l.kind && Arrays.equals(shortValue, l.shortValue);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(primary) * 31 + Long.hashCode(startTs) * 17 + Long.hashCode(ttl) + kind.hashCode()
                + Arrays.hashCode(shortValue) * 7;
    }

    @Override
    public String toString() {
        return "Lock{kind=" + kind + ", primary=" + Arrays.toString(primary) + ", startTs="
                + TimeStamp.toString(startTs) + ", ttl=" + ttl
                + (shortValue == null ? "" : ", shortValue=" + Arrays.toString(shortValue)) + "}";
    }
}
