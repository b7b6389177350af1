package org.tinykv.txn.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A write record: the value stored in the write CF under {@code MvccKey.encode(userKey, commitTs)} (a rollback
 * record under the start timestamp).
 *
 * <p>Encoding (see docs/formats/mvcc.md): {@code kind:u8 | startTs:u64 BE}, exactly 9 bytes. Immutable value.
 *
 * @param startTs start timestamp of the transaction that wrote it; locates the value in the default CF
 * @param kind what was written
 */
public record Write(long startTs, WriteKind kind) {
    /** Encoded size in bytes. */
    public static final int ENCODED_LENGTH = 9;

    /** Validates the components. */
    public Write {
        if (kind == null) {
            throw new IllegalArgumentException("write kind must be set");
        }
    }

    /** The encoded form. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(ENCODED_LENGTH).order(ByteOrder.BIG_ENDIAN)
                .put((byte) kind.code()).putLong(startTs).array();
    }

    /** Decodes a write value, or throws {@link MvccDecodeException}. */
    public static Write fromBytes(byte[] b) {
        if (b.length != ENCODED_LENGTH) {
            throw new MvccDecodeException("write record must be " + ENCODED_LENGTH + " bytes, got " + b.length);
        }
        WriteKind kind = WriteKind.fromCode(b[0] & 0xFF);
        long startTs = ByteBuffer.wrap(b, 1, 8).order(ByteOrder.BIG_ENDIAN).getLong();
        return new Write(startTs, kind);
    }

    @Override
    public String toString() {
        return "Write{kind=" + kind + ", startTs=" + TimeStamp.toString(startTs) + "}";
    }
}
