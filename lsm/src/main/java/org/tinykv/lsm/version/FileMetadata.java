package org.tinykv.lsm.version;

import org.tinykv.lsm.key.InternalKey;

/**
 * What the manifest records about one table file. Bounds are internal keys and cover both point entries and range
 * tombstones (a tombstone's exclusive end is recorded as {@code (end, MAX_SEQ, 0xff)}, which sorts before every
 * real entry of {@code end}). See docs/formats/manifest.md.
 *
 * @param number        file number ({@code NNNNNN.sst})
 * @param size          file size in bytes
 * @param smallest      smallest internal key bound
 * @param largest       largest internal key bound
 * @param smallestSeq   smallest sequence number in the file
 * @param largestSeq    largest sequence number in the file
 * @param globalSeq     sequence number of every entry of an ingested file, or -1
 * @param entries       point entries
 * @param rangeDeletes  range tombstones
 */
public record FileMetadata(long number, long size, byte[] smallest, byte[] largest, long smallestSeq,
                           long largestSeq, long globalSeq, long entries, long rangeDeletes) {

    /** User key of {@link #smallest()}. */
    public byte[] smallestUserKey() {
        return InternalKey.userKey(smallest);
    }

    /** User key of {@link #largest()}. */
    public byte[] largestUserKey() {
        return InternalKey.userKey(largest);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof FileMetadata f && f.number == number;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(number);
    }

    @Override
    public String toString() {
        return "#" + number + "(" + size + "B, seq " + smallestSeq + ".." + largestSeq + ")";
    }
}
