package org.tinykv.txn.types;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The TiDB memcomparable byte encoding ({@code codec.EncodeBytes}): the input is cut into groups of 8 bytes, the
 * last group zero padded, and every group is followed by a marker byte {@code 0xFF - padCount}. Unsigned
 * lexicographic order of encodings equals that of the inputs, and no encoding is a prefix of another.
 *
 * <p>See docs/formats/mvcc.md. Stateless, thread-safe.
 */
public final class MemComparable {
    /** Bytes per group before the marker. */
    public static final int GROUP_SIZE = 8;
    private static final int MARKER = 0xFF;

    private MemComparable() {
    }

    /** Length of {@code encodeBytes} of an input of {@code length} bytes. */
    public static int encodedLength(int length) {
        return (length / GROUP_SIZE + 1) * (GROUP_SIZE + 1);
    }

    /** Encodes {@code data}. */
    public static byte[] encodeBytes(byte[] data) {
        byte[] out = new byte[encodedLength(data.length)];
        encodeInto(data, out, 0);
        return out;
    }

    /** Encodes {@code data} into {@code out} at {@code offset}; returns the number of bytes written. */
    public static int encodeInto(byte[] data, byte[] out, int offset) {
        int pos = offset;
        for (int idx = 0; idx <= data.length; idx += GROUP_SIZE) {
            int remain = data.length - idx;
            int pad = 0;
            if (remain >= GROUP_SIZE) {
                System.arraycopy(data, idx, out, pos, GROUP_SIZE);
            } else {
                pad = GROUP_SIZE - remain;
                System.arraycopy(data, idx, out, pos, remain);
                Arrays.fill(out, pos + remain, pos + GROUP_SIZE, (byte) 0);
            }
            out[pos + GROUP_SIZE] = (byte) (MARKER - pad);
            pos += GROUP_SIZE + 1;
        }
        return pos - offset;
    }

    /** The result of {@link #decodeBytes(byte[], int)}: the decoded bytes and how many input bytes were used. */
    public record Decoded(byte[] data, int consumed) {
    }

    /**
     * Decodes one encoded value starting at {@code offset}.
     *
     * @throws MvccDecodeException if the bytes are truncated, a marker is invalid or padding is not zero
     */
    public static Decoded decodeBytes(byte[] in, int offset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = offset;
        while (true) {
            if (in.length - pos < GROUP_SIZE + 1) {
                throw new MvccDecodeException("memcomparable bytes truncated at offset " + pos
                        + " of " + in.length);
            }
            int marker = in[pos + GROUP_SIZE] & 0xFF;
            int pad = MARKER - marker;
            if (pad > GROUP_SIZE) {
                throw new MvccDecodeException("invalid memcomparable marker 0x" + Integer.toHexString(marker)
                        + " at offset " + (pos + GROUP_SIZE));
            }
            int real = GROUP_SIZE - pad;
            out.write(in, pos, real);
            for (int i = real; i < GROUP_SIZE; i++) {
                if (in[pos + i] != 0) {
                    throw new MvccDecodeException("non-zero memcomparable padding at offset " + (pos + i));
                }
            }
            pos += GROUP_SIZE + 1;
            if (pad != 0) {
                return new Decoded(out.toByteArray(), pos - offset);
            }
        }
    }

    /** Decodes {@code in}, which must hold exactly one encoded value. */
    public static byte[] decodeFully(byte[] in) {
        Decoded d = decodeBytes(in, 0);
        if (d.consumed() != in.length) {
            throw new MvccDecodeException("trailing " + (in.length - d.consumed())
                    + " bytes after memcomparable value");
        }
        return d.data();
    }
}
