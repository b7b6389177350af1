package org.tinykv.lsm.sstable;

import java.io.IOException;
import java.util.Arrays;
import org.tinykv.wal.codec.Varint;

/**
 * The properties block of a table: counts, sizes, key and sequence ranges, compression. Encoded as
 * {@code (varint tag, varint length, bytes)*}; numbers are varints inside; unknown tags are skipped.
 * See docs/formats/sst.md.
 *
 * @param entries         point entries (puts and deletes)
 * @param deletions       point tombstones
 * @param rangeDeletions  range tombstones
 * @param rawKeyBytes     bytes of internal keys before compression
 * @param rawValueBytes   bytes of values before compression
 * @param dataBlocks      number of data blocks
 * @param dataBytes       bytes of data blocks on disk (with trailers)
 * @param indexBytes      bytes of the index block
 * @param filterBytes     bytes of the filter block
 * @param smallestKey     smallest internal point key, or an empty array when there are no point entries
 * @param largestKey      largest internal point key, or an empty array
 * @param minSeq          smallest sequence number (points and ranges)
 * @param maxSeq          largest sequence number
 * @param compression     compression requested for data blocks
 */
public record TableProperties(long entries, long deletions, long rangeDeletions, long rawKeyBytes, long rawValueBytes,
                              long dataBlocks, long dataBytes, long indexBytes, long filterBytes, byte[] smallestKey,
                              byte[] largestKey, long minSeq, long maxSeq, Compression compression) {

    /** Encodes the properties. */
    public byte[] encode() {
        final byte[] out = new byte[256 + smallestKey.length + largestKey.length];
        int p = 0;
        final long[] nums = {entries, deletions, rangeDeletions, rawKeyBytes, rawValueBytes, dataBlocks, dataBytes,
            indexBytes, filterBytes};
        for (int i = 0; i < nums.length; i++) {
            p = putNumber(out, p, i + 1, nums[i]);
        }
        p = putBytes(out, p, 10, smallestKey);
        p = putBytes(out, p, 11, largestKey);
        p = putNumber(out, p, 12, minSeq);
        p = putNumber(out, p, 13, maxSeq);
        p = putNumber(out, p, 14, compression.code());
        return Arrays.copyOf(out, p);
    }

    private static int putNumber(final byte[] out, final int p, final int tag, final long v) {
        final int q = Varint.put(out, p, tag);
        final int r = Varint.put(out, q, Varint.size(v));
        return Varint.put(out, r, v);
    }

    private static int putBytes(final byte[] out, final int p, final int tag, final byte[] v) {
        final int q = Varint.put(out, Varint.put(out, p, tag), v.length);
        System.arraycopy(v, 0, out, q, v.length);
        return q + v.length;
    }

    /** Decodes properties. */
    public static TableProperties decode(final byte[] in) throws IOException {
        final long[] nums = new long[15];
        byte[] smallest = new byte[0];
        byte[] largest = new byte[0];
        final Varint.Cursor c = new Varint.Cursor(0);
        while (c.position() < in.length) {
            final int tag = Varint.getInt(in, c, in.length);
            final int len = Varint.getInt(in, c, in.length);
            final int start = c.position();
            if (len < 0 || (long) start + len > in.length) {
                throw new IOException("property " + tag + " overruns the block");
            }
            if (tag == 10) {
                smallest = Arrays.copyOfRange(in, start, start + len);
            } else if (tag == 11) {
                largest = Arrays.copyOfRange(in, start, start + len);
            } else if (tag >= 1 && tag < nums.length) {
                nums[tag] = Varint.get(in, new Varint.Cursor(start), start + len);
            }
            c.position(start + len);
        }
        final Compression comp = Compression.fromCode((int) nums[14]);
        return new TableProperties(nums[1], nums[2], nums[3], nums[4], nums[5], nums[6], nums[7], nums[8], nums[9],
            smallest, largest, nums[12], nums[13], comp == null ? Compression.NONE : comp);
    }
}
