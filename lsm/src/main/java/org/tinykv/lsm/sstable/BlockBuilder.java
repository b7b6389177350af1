package org.tinykv.lsm.sstable;

import java.util.Arrays;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.codec.Varint;

/**
 * Builds a block: prefix-compressed entries with a restart point every {@code restartInterval} entries, then the
 * restart offsets (fixed32 LE each) and their count (fixed32 LE). See docs/formats/sst.md.
 *
 * <p>Thread-safety: confined to one thread.
 */
public final class BlockBuilder {

    private final int restartInterval;
    private byte[] buf = new byte[8192];
    private int size;
    private int[] restarts = new int[64];
    private int restartCount;
    private int counter;
    private int entries;
    private byte[] lastKey = new byte[64];
    private int lastKeyLen;

    /** Creates a builder; Requires: {@code restartInterval >= 1}. */
    public BlockBuilder(final int restartInterval) {
        this.restartInterval = restartInterval;
        reset();
    }

    /** Clears the builder for a new block. */
    public void reset() {
        size = 0;
        restartCount = 1;
        restarts[0] = 0;
        counter = 0;
        entries = 0;
        lastKeyLen = 0;
    }

    /** Whether no entry was added since the last reset. */
    public boolean isEmpty() {
        return entries == 0;
    }

    /** The size the block would have if finished now. */
    public int estimatedSize() {
        return size + restartCount * 4 + 4;
    }

    /** Adds an entry. Requires: {@code key} sorts after every key added since the last reset. */
    public void add(final byte[] key, final int keyOff, final int keyLen,
                    final byte[] value, final int valueOff, final int valueLen) {
        int shared = 0;
        if (counter < restartInterval) {
            final int limit = Math.min(lastKeyLen, keyLen);
            final int mismatch = Arrays.mismatch(lastKey, 0, limit, key, keyOff, keyOff + limit);
            shared = mismatch < 0 ? limit : mismatch;
        } else {
            if (restartCount == restarts.length) {
                restarts = Arrays.copyOf(restarts, restartCount * 2);
            }
            restarts[restartCount++] = size;
            counter = 0;
        }
        final int nonShared = keyLen - shared;
        ensure(15 + nonShared + valueLen);
        size = Varint.put(buf, size, shared);
        size = Varint.put(buf, size, nonShared);
        size = Varint.put(buf, size, valueLen);
        System.arraycopy(key, keyOff + shared, buf, size, nonShared);
        size += nonShared;
        System.arraycopy(value, valueOff, buf, size, valueLen);
        size += valueLen;
        if (lastKey.length < keyLen) {
            lastKey = Arrays.copyOf(lastKey, Math.max(keyLen, lastKey.length * 2));
        }
        System.arraycopy(key, keyOff + shared, lastKey, shared, nonShared);
        lastKeyLen = keyLen;
        counter++;
        entries++;
    }

    /** Returns the last key added (a copy). */
    public byte[] lastKey() {
        return Arrays.copyOf(lastKey, lastKeyLen);
    }

    /** Finishes the block and returns its contents; the builder must be reset before reuse. */
    public byte[] finish() {
        ensure(restartCount * 4 + 4);
        for (int i = 0; i < restartCount; i++) {
            Fixed.putInt(buf, size, restarts[i]);
            size += 4;
        }
        Fixed.putInt(buf, size, restartCount);
        size += 4;
        return Arrays.copyOf(buf, size);
    }

    private void ensure(final int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + extra, buf.length * 2));
        }
    }
}
