package org.tinykv.wal.codec;

import java.io.IOException;

/**
 * Unsigned LEB128 variable-length integers (7 bits a byte, low groups first, high bit set on all but the last):
 * the varints of LevelDB and protobuf.
 *
 * <p>Decoding is bounds-checked and throws {@link IOException} on truncated or overlong input, because varints are
 * read from disk and network and a bad one must become a clear error, never an exception from array indexing.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class Varint {

    /** The longest encoding of a 32-bit varint. */
    public static final int MAX_VARINT32_BYTES = 5;
    /** The longest encoding of a 64-bit varint. */
    public static final int MAX_VARINT64_BYTES = 10;

    private Varint() {
    }

    /** Returns the number of bytes {@code value} takes as a varint (as an unsigned 64-bit number). */
    public static int size(final long value) {
        final int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /**
     * Writes {@code value} (taken as unsigned) at {@code offset}.
     *
     * @return the offset just past the written bytes
     */
    public static int put(final byte[] target, final int offset, final long value) {
        int position = offset;
        long remaining = value;
        while ((remaining & ~0x7fL) != 0) {
            target[position++] = (byte) ((remaining & 0x7f) | 0x80);
            remaining >>>= 7;
        }
        target[position++] = (byte) remaining;
        return position;
    }

    /**
     * Reads a varint of at most 64 bits at {@code cursor.position()}, advancing the cursor.
     *
     * @throws IOException if the varint runs past {@code limit} or is longer than 10 bytes
     */
    public static long get(final byte[] source, final Cursor cursor, final int limit) throws IOException {
        long result = 0;
        int shift = 0;
        int position = cursor.position;
        while (shift < 64) {
            if (position >= limit) {
                throw new IOException("truncated varint at offset " + cursor.position);
            }
            final byte b = source[position++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                cursor.position = position;
                return result;
            }
            shift += 7;
        }
        throw new IOException("varint longer than 10 bytes at offset " + cursor.position);
    }

    /**
     * Reads a varint that must fit in 32 bits (unsigned) at {@code cursor.position()}, advancing the cursor.
     *
     * @throws IOException if it is truncated or does not fit in an {@code int}
     */
    public static int getInt(final byte[] source, final Cursor cursor, final int limit) throws IOException {
        final int start = cursor.position;
        final long value = get(source, cursor, limit);
        if ((value >>> 32) != 0) {
            throw new IOException("varint32 out of range at offset " + start);
        }
        return (int) value;
    }

    /** A mutable read position, so that decoding many varints from one array allocates nothing. */
    public static final class Cursor {
        private int position;

        /** Creates a cursor at {@code position}. */
        public Cursor(final int position) {
            this.position = position;
        }

        /** Returns the current position. */
        public int position() {
            return position;
        }

        /** Moves the cursor to {@code newPosition}. */
        public void position(final int newPosition) {
            this.position = newPosition;
        }

        /** Moves the cursor forward by {@code count} bytes. */
        public void skip(final int count) {
            this.position += count;
        }
    }
}
