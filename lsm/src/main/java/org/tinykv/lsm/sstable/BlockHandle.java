package org.tinykv.lsm.sstable;

import java.io.IOException;
import org.tinykv.wal.codec.Varint;

/**
 * The location of a block in a table file: offset and size of the block contents, excluding the 5-byte trailer
 * (compression type and checksum). Encoded as two varints in index entries. See docs/formats/sst.md.
 *
 * @param offset byte offset of the block in the file
 * @param size   bytes of the (possibly compressed) block contents
 */
public record BlockHandle(long offset, long size) {

    /** The longest varint encoding. */
    public static final int MAX_ENCODED = 20;

    /** Writes the varint encoding at {@code pos}, returning the position after it. */
    public int encodeTo(final byte[] out, final int pos) {
        return Varint.put(out, Varint.put(out, pos, offset), size);
    }

    /** Returns the varint encoding. */
    public byte[] encode() {
        final byte[] out = new byte[MAX_ENCODED];
        final int n = encodeTo(out, 0);
        return java.util.Arrays.copyOf(out, n);
    }

    /** Decodes a handle from {@code buf[off, off + len)}. */
    public static BlockHandle decode(final byte[] buf, final int off, final int len) throws IOException {
        final Varint.Cursor c = new Varint.Cursor(off);
        final long o = Varint.get(buf, c, off + len);
        final long s = Varint.get(buf, c, off + len);
        if (o < 0 || s < 0 || s > Integer.MAX_VALUE) {
            throw new IOException("block handle out of range: " + o + "/" + s);
        }
        return new BlockHandle(o, s);
    }
}
