package org.tinykv.lsm.sstable;

import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;

/**
 * The fixed 80-byte table footer. See docs/formats/sst.md.
 * <pre>
 *  0  filter handle      offset fixed64 | size fixed64
 * 16  range-del handle   offset fixed64 | size fixed64
 * 32  properties handle  offset fixed64 | size fixed64
 * 48  index handle       offset fixed64 | size fixed64
 * 64  format version     fixed32 (= 1)
 * 68  footer checksum    fixed32: masked crc32c of bytes [0, 68)
 * 72  magic              fixed64 0x5453_4B56_594E_4954 ("TINYKVST" little-endian)
 * </pre>
 *
 * @param filter     the bloom filter block
 * @param rangeDel   the range-tombstone block
 * @param properties the properties block
 * @param index      the index block
 */
public record Footer(BlockHandle filter, BlockHandle rangeDel, BlockHandle properties, BlockHandle index) {

    /** Bytes of an encoded footer. */
    public static final int LENGTH = 80;
    /** The table magic number. */
    public static final long MAGIC = 0x5453_4B56_594E_4954L;
    /** The only format version written and read. */
    public static final int FORMAT_VERSION = 1;

    /** Encodes the footer. */
    public byte[] encode() {
        final byte[] out = new byte[LENGTH];
        final BlockHandle[] hs = {filter, rangeDel, properties, index};
        for (int i = 0; i < hs.length; i++) {
            Fixed.putLong(out, 16 * i, hs[i].offset());
            Fixed.putLong(out, 16 * i + 8, hs[i].size());
        }
        Fixed.putInt(out, 64, FORMAT_VERSION);
        Fixed.putInt(out, 68, Crc32c.mask(Crc32c.compute(out, 0, 68)));
        Fixed.putLong(out, 72, MAGIC);
        return out;
    }

    /** Decodes and checks a footer read from {@code file} at {@code offset}. */
    public static Footer decode(final byte[] in, final String file, final long offset, final long fileSize)
        throws CorruptionException {
        if (in.length != LENGTH || Fixed.getLong(in, 72) != MAGIC) {
            throw new CorruptionException(file, offset + 72, "bad table magic (not an sst file or truncated)");
        }
        if (Crc32c.unmask(Fixed.getInt(in, 68)) != Crc32c.compute(in, 0, 68)) {
            throw new CorruptionException(file, offset, "footer checksum mismatch");
        }
        final int version = Fixed.getInt(in, 64);
        if (version != FORMAT_VERSION) {
            throw new CorruptionException(file, offset + 64, "unsupported table format version " + version);
        }
        final BlockHandle[] hs = new BlockHandle[4];
        for (int i = 0; i < 4; i++) {
            final long o = Fixed.getLong(in, 16 * i);
            final long s = Fixed.getLong(in, 16 * i + 8);
            if (o < 0 || s < 0 || o + s + 5 > offset || s > Integer.MAX_VALUE) {
                throw new CorruptionException(file, offset + 16L * i, "block handle out of range");
            }
            hs[i] = new BlockHandle(o, s);
        }
        return new Footer(hs[0], hs[1], hs[2], hs[3]);
    }
}
