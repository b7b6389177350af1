package org.tinykv.txn.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A write record: the value stored in the write CF under {@code MvccKey.encode(userKey, commitTs)} (a rollback
 * record under the start timestamp).
 *
 * <p>Encoding (see docs/formats/mvcc.md): {@code kind:u8 | startTs:u64 BE} (9 bytes), then the {@link ShortValue}
 * trailer if there is a short value. Immutable value; the array is never modified.
 *
 * @param startTs start timestamp of the transaction that wrote it; locates a value kept in the default CF
 * @param kind what was written
 * @param shortValue the committed value of a put kept in the record, or null when the kind is not a put or the
 *     value is in the default CF
 */
public record Write(long startTs, WriteKind kind, byte[] shortValue) {
    /** Encoded size in bytes of a record without a short value. */
    public static final int ENCODED_LENGTH = 9;

    /** Validates the components. */
    public Write {
        if (kind == null) {
            throw new IllegalArgumentException("write kind must be set");
        }
        if (shortValue != null && kind != WriteKind.PUT) {
            throw new IllegalArgumentException("only a put write holds a value, not a " + kind + " write");
        }
        ShortValue.check(shortValue);
    }

    /** A record without a short value. */
    public Write(long startTs, WriteKind kind) {
        this(startTs, kind, null);
    }

    /** The encoded form. */
    public byte[] toBytes() {
        byte[] out = new byte[ENCODED_LENGTH + ShortValue.encodedLength(shortValue)];
        out[0] = (byte) kind.code();
        ByteBuffer.wrap(out, 1, 8).order(ByteOrder.BIG_ENDIAN).putLong(startTs);
        ShortValue.write(out, ENCODED_LENGTH, shortValue);
        return out;
    }

    /** Decodes a write value, or throws {@link MvccDecodeException}. */
    public static Write fromBytes(byte[] b) {
        if (b.length < ENCODED_LENGTH) {
            throw new MvccDecodeException("write record must be at least " + ENCODED_LENGTH + " bytes, got "
                    + b.length);
        }
        WriteKind kind = WriteKind.fromCode(b[0] & 0xFF);
        long startTs = ByteBuffer.wrap(b, 1, 8).order(ByteOrder.BIG_ENDIAN).getLong();
        byte[] shortValue = ShortValue.read(b, ENCODED_LENGTH, "write");
        if (shortValue != null && kind != WriteKind.PUT) {
            throw new MvccDecodeException("write record: a " + kind + " write with a short value");
        }
        return new Write(startTs, kind, shortValue);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Write w && startTs == w.startTs && kind == w.kind
                && Arrays.equals(shortValue, w.shortValue);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(startTs) * 31 + kind.hashCode() + Arrays.hashCode(shortValue) * 7;
    }

    @Override
    public String toString() {
        return "Write{kind=" + kind + ", startTs=" + TimeStamp.toString(startTs)
                + (shortValue == null ? "" : ", shortValue=" + Arrays.toString(shortValue)) + "}";
    }
}
