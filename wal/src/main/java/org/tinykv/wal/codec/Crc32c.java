package org.tinykv.wal.codec;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli) checksums, and the masking applied before a checksum is stored.
 *
 * <p>A stored checksum is masked (rotated and offset) because computing the CRC of data that itself embeds CRCs
 * is weak; every format of ours stores {@link #mask(int)} of the value and compares {@link #unmask(int)}.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class Crc32c {

    private static final int MASK_DELTA = 0xa282ead8;

    private Crc32c() {
    }

    /** Returns the CRC32C of {@code length} bytes of {@code data} from {@code offset}. */
    public static int compute(final byte[] data, final int offset, final int length) {
        final CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /** Returns the CRC32C of the remaining bytes of {@code data}, leaving its position unchanged. */
    public static int compute(final ByteBuffer data) {
        final CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }

    /** Returns the CRC32C of a one-byte prefix followed by {@code length} bytes of {@code data}. */
    public static int compute(final byte prefix, final byte[] data, final int offset, final int length) {
        final CRC32C crc = new CRC32C();
        crc.update(prefix);
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /** Returns the form of {@code crc} that is stored on disk. */
    public static int mask(final int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Inverts {@link #mask(int)}. */
    public static int unmask(final int masked) {
        final int rotated = masked - MASK_DELTA;
        return (rotated >>> 17) | (rotated << 15);
    }
}
