package org.tinykv.lsm.sstable;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.tinykv.wal.codec.Varint;

/**
 * Per-block compression. A compressed block is {@code varint(uncompressedLength) | compressed bytes}; the code is
 * the block trailer's type byte. Written to disk: never renumber. See docs/formats/sst.md.
 *
 * <p>Thread-safety: safe.
 */
public enum Compression {
    /** Stored as is. */
    NONE(0),
    /** LZ4 block format (lz4-java). */
    LZ4(1),
    /** Zstandard, level 3 (zstd-jni). */
    ZSTD(2);

    private static final LZ4Factory LZ4_FACTORY = LZ4Factory.fastestInstance();
    private static final LZ4Compressor LZ4_COMPRESSOR = LZ4_FACTORY.fastCompressor();
    private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4_FACTORY.safeDecompressor();
    private static final int ZSTD_LEVEL = 3;

    private final int code;

    Compression(final int code) {
        this.code = code;
    }

    /** The on-disk code. */
    public int code() {
        return code;
    }

    /** Returns the compression for {@code code}, or null if unknown. */
    public static Compression fromCode(final int code) {
        for (final Compression c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    /** Compresses {@code len} bytes of {@code in}; returns null for {@link #NONE}. */
    public byte[] compress(final byte[] in, final int off, final int len) {
        switch (this) {
            case LZ4: {
                final int max = LZ4_COMPRESSOR.maxCompressedLength(len);
                final byte[] out = new byte[Varint.MAX_VARINT32_BYTES + max];
                final int p = Varint.put(out, 0, len);
                final int n = LZ4_COMPRESSOR.compress(in, off, len, out, p, max);
                return java.util.Arrays.copyOf(out, p + n);
            }
            case ZSTD: {
                final int max = (int) Zstd.compressBound(len);
                final byte[] out = new byte[Varint.MAX_VARINT32_BYTES + max];
                final int p = Varint.put(out, 0, len);
                final long n = Zstd.compressByteArray(out, p, max, in, off, len, ZSTD_LEVEL);
                if (Zstd.isError(n)) {
                    throw new IllegalStateException("zstd: " + Zstd.getErrorName(n));
                }
                return java.util.Arrays.copyOf(out, p + (int) n);
            }
            default:
                return null;
        }
    }

    /**
     * Decompresses {@code len} bytes of {@code in} into {@code out[0]} from offset 0, replacing {@code out[0]} by a
     * larger array if it is too small; returns the decompressed length.
     *
     * @throws IOException if the data does not decompress to the recorded length
     */
    public int decompressInto(final byte[] in, final int off, final int len, final byte[][] out) throws IOException {
        final Varint.Cursor c = new Varint.Cursor(off);
        final int rawLen = Varint.getInt(in, c, off + len);
        if (rawLen < 0 || rawLen > (256 << 20)) {
            throw new IOException("bad uncompressed length " + rawLen);
        }
        if (out[0] == null || out[0].length < rawLen) {
            out[0] = new byte[Math.max(rawLen, 8192)];
        }
        final byte[] dst = out[0];
        final int p = c.position();
        try {
            final long n = switch (this) {
                case LZ4 -> LZ4_DECOMPRESSOR.decompress(in, p, off + len - p, dst, 0, rawLen);
                case ZSTD -> Zstd.decompressByteArray(dst, 0, rawLen, in, p, off + len - p);
                default -> throw new IOException("not a compressed type: " + this);
            };
            if (n != rawLen || this == ZSTD && Zstd.isError(n)) {
                throw new IOException(this + " produced " + n + " bytes, expected " + rawLen);
            }
            return rawLen;
        } catch (final RuntimeException e) {
            throw new IOException("decompression failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decompresses {@code len} bytes of {@code in}.
     *
     * @throws IOException if the data does not decompress to the recorded length
     */
    public byte[] decompress(final byte[] in, final int off, final int len) throws IOException {
        final Varint.Cursor c = new Varint.Cursor(off);
        final int rawLen = Varint.getInt(in, c, off + len);
        if (rawLen < 0 || rawLen > (256 << 20)) {
            throw new IOException("bad uncompressed length " + rawLen);
        }
        final byte[] out = new byte[rawLen];
        final int p = c.position();
        try {
            switch (this) {
                case LZ4: {
                    final int n = LZ4_DECOMPRESSOR.decompress(in, p, off + len - p, out, 0, rawLen);
                    if (n != rawLen) {
                        throw new IOException("lz4 produced " + n + " bytes, expected " + rawLen);
                    }
                    return out;
                }
                case ZSTD: {
                    final long n = Zstd.decompressByteArray(out, 0, rawLen, in, p, off + len - p);
                    if (Zstd.isError(n) || n != rawLen) {
                        throw new IOException("zstd failed or produced a wrong length: " + n);
                    }
                    return out;
                }
                default:
                    throw new IOException("not a compressed type: " + this);
            }
        } catch (final RuntimeException e) {
            throw new IOException("decompression failed: " + e.getMessage(), e);
        }
    }
}
