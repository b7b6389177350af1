package org.tinykv.lsm.sstable;

import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.codec.Fixed;

/**
 * A decoded (decompressed, checksum-verified) block held in memory and shared through the block cache.
 *
 * <p>Thread-safety: immutable, safe; iterators are confined to one thread.
 */
public final class Block {

    final byte[] data;
    final int restartsOffset;
    final int restartCount;
    final String file;
    final long fileOffset;

    /**
     * Wraps block contents, checking the restart array bounds.
     *
     * @throws CorruptionException if the restart array does not fit
     */
    public Block(final byte[] data, final String file, final long fileOffset) throws CorruptionException {
        this(data, data.length, file, fileOffset);
    }

    /**
     * Wraps the first {@code length} bytes of {@code data} as block contents (a buffer reused by a scan).
     *
     * @throws CorruptionException if the restart array does not fit
     */
    public Block(final byte[] data, final int length, final String file, final long fileOffset)
        throws CorruptionException {
        this.data = data;
        this.file = file;
        this.fileOffset = fileOffset;
        if (length < 4 || length > data.length) {
            throw new CorruptionException(file, fileOffset, "block too short: " + length);
        }
        restartCount = Fixed.getInt(data, length - 4);
        final long ro = length - 4 - 4L * restartCount;
        if (restartCount < 1 || ro < 0) {
            throw new CorruptionException(file, fileOffset, "bad restart count " + restartCount);
        }
        restartsOffset = (int) ro;
    }

    /** Bytes charged to the block cache. */
    public int chargeBytes() {
        return data.length + 96;
    }

    /** Returns an iterator; {@code globalSeq >= 0} replaces every key's sequence number (ingested files). */
    public BlockIterator iterator(final long globalSeq) {
        return new BlockIterator(this, globalSeq);
    }
}
