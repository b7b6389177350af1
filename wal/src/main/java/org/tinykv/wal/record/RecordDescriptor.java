package org.tinykv.wal.record;

import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;

import java.util.zip.CRC32C;

/**
 * The layout of a log file: constants and header helpers shared by {@link RecordWriter} and {@link RecordReader}.
 * See docs/formats/wal.md for the full specification.
 *
 * <pre>
 * file   := block* (the last block may be partial)
 * block  := fragment* trailer?          32768 bytes; a fragment never crosses a block boundary
 * trailer:= 0x00{1..6}                  when fewer than 7 bytes remain in a block
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            masked CRC32C (little-endian, bytes 0-3)           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  length (LE, bytes 4-5)       |  type (6)     |  payload ...   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * crc = mask(crc32c(length bytes, type byte, payload))
 * </pre>
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class RecordDescriptor {

    /** Size of a block; fragments never cross a block boundary. */
    public static final int BLOCK_SIZE = 32 * 1024;
    /** Size of a fragment header. */
    public static final int HEADER_SIZE = 7;
    /** Offset of the masked CRC32C in a header. */
    public static final int CRC_OFFSET = 0;
    /** Offset of the 2-byte little-endian payload length in a header. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of the type byte in a header. */
    public static final int TYPE_OFFSET = 6;
    /** The largest payload of one fragment. */
    public static final int MAX_FRAGMENT_PAYLOAD = BLOCK_SIZE - HEADER_SIZE;

    private RecordDescriptor() {
    }

    /** Writes a complete header for a fragment of {@code type} whose payload is the given range. */
    public static void writeHeader(final byte[] header, final int headerOffset, final RecordType type,
                                   final byte[] payload, final int offset, final int length) {
        Fixed.putShort(header, headerOffset + LENGTH_OFFSET, length);
        header[headerOffset + TYPE_OFFSET] = (byte) type.code();
        final int crc = checksum(header, headerOffset, payload, offset, length);
        Fixed.putInt(header, headerOffset + CRC_OFFSET, Crc32c.mask(crc));
    }

    /**
     * Returns the unmasked CRC32C that the header at {@code headerOffset} must carry for the given payload: the CRC
     * of the length and type bytes followed by the payload.
     */
    public static int checksum(final byte[] header, final int headerOffset, final byte[] payload, final int offset,
                               final int length) {
        final CRC32C crc = new CRC32C();
        crc.update(header, headerOffset + LENGTH_OFFSET, HEADER_SIZE - LENGTH_OFFSET);
        crc.update(payload, offset, length);
        return (int) crc.getValue();
    }

    /** Returns whether the header at {@code offset} is seven zero bytes: the end of the log. */
    public static boolean isZeroHeader(final byte[] buffer, final int offset) {
        for (int i = 0; i < HEADER_SIZE; i++) {
            if (buffer[offset + i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns whether a complete, valid fragment starts at {@code pos} of {@code buffer}, which holds the bytes of
     * the block from {@code blockPos} up to {@code limit} (exclusive; a valid fragment must end by then).
     */
    public static boolean isValidFragment(final byte[] buffer, final int blockPos, final int pos, final int limit) {
        if (pos + HEADER_SIZE > limit) {
            return false;
        }
        final int length = Fixed.getShort(buffer, pos + LENGTH_OFFSET);
        final int type = buffer[pos + TYPE_OFFSET] & 0xff;
        if (RecordType.fromCode(type) == null || pos - blockPos + HEADER_SIZE + length > BLOCK_SIZE
            || pos + HEADER_SIZE + length > limit) {
            return false;
        }
        final int stored = Crc32c.unmask(Fixed.getInt(buffer, pos + CRC_OFFSET));
        return stored == checksum(buffer, pos, buffer, pos + HEADER_SIZE, length);
    }
}
