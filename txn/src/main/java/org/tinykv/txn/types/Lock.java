package org.tinykv.txn.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A Percolator lock: the value stored in the lock CF under {@code EncodeBytes(userKey)}.
 *
 * <p>Encoding (see docs/formats/mvcc.md): {@code kind:u8 | uvarint(len(primary)) | primary | startTs:u64 BE |
 * ttl:u64 BE}. Immutable value; the primary array is never modified.
 *
 * @param primary the transaction's primary key (user key)
 * @param startTs the owning transaction's start timestamp
 * @param ttl lock lifetime in milliseconds, counted from the physical part of {@code startTs}
 * @param kind what committing the lock will write
 */
public record Lock(byte[] primary, long startTs, long ttl, LockKind kind) {
    private static final int FIXED_TAIL = 16;
    private static final int MAX_VARINT_BYTES = 5;

    /** Validates the components. */
    public Lock {
        if (primary == null || kind == null) {
            throw new IllegalArgumentException("lock primary and kind must be set");
        }
    }

    /** The encoded form. */
    public byte[] toBytes() {
        int len = primary.length;
        int varint = 1;
        for (int v = len >>> 7; v != 0; v >>>= 7) {
            varint++;
        }
        byte[] out = new byte[1 + varint + len + FIXED_TAIL];
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
        return out;
    }

    /** Decodes a lock value, or throws {@link MvccDecodeException} naming the problem. */
    public static Lock fromBytes(byte[] b) {
        if (b.length < 2 + FIXED_TAIL) {
            throw new MvccDecodeException("lock record too short: " + b.length + " bytes");
        }
        LockKind kind = LockKind.fromCode(b[0] & 0xFF);
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
        if (len != b.length - pos - FIXED_TAIL) {
            throw new MvccDecodeException("lock record: primary length " + len + " does not match record size "
                    + b.length);
        }
        byte[] primary = Arrays.copyOfRange(b, pos, pos + (int) len);
        ByteBuffer tail = ByteBuffer.wrap(b, pos + (int) len, FIXED_TAIL).order(ByteOrder.BIG_ENDIAN);
        long startTs = tail.getLong();
        long ttl = tail.getLong();
        return new Lock(primary, startTs, ttl, kind);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lock l && Arrays.equals(primary, l.primary) && startTs == l.startTs && ttl == l.ttl
                && kind == l.kind;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(primary) * 31 + Long.hashCode(startTs) * 17 + Long.hashCode(ttl) + kind.hashCode();
    }

    @Override
    public String toString() {
        return "Lock{kind=" + kind + ", primary=" + Arrays.toString(primary) + ", startTs="
                + TimeStamp.toString(startTs) + ", ttl=" + ttl + "}";
    }
}
