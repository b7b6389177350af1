package org.tinykv.lsm.sstable;

import java.io.IOException;
import java.util.Arrays;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.codec.Varint;

/**
 * An iterator over one {@link Block}: binary search over restart points, then a linear scan. Values are exposed in
 * place (no copies); keys are rebuilt in a reused buffer.
 *
 * <p>Thread-safety: confined to one thread.
 */
public final class BlockIterator extends InternalIterator {

    private Block block;
    private byte[] data;
    private long globalSeq;
    private final Varint.Cursor cursor = new Varint.Cursor(0);
    private int current;
    private int nextOffset;
    private byte[] key = new byte[64];
    private int keyLen;
    /**
     * The stored trailer of the current key before {@link #globalSeq} replaced it in {@link #key}: the next entry's
     * shared prefix may reach into the stored trailer bytes, so they are put back before the next key is rebuilt.
     */
    private long storedTrailer;

    BlockIterator(final Block block, final long globalSeq) {
        this.block = block;
        this.data = block.data;
        this.globalSeq = globalSeq;
        this.current = block.restartsOffset;
        this.nextOffset = block.restartsOffset;
    }

    /** A valid block without entries (one restart point at 0). */
    private static final Block EMPTY_BLOCK = emptyBlock();

    private static Block emptyBlock() {
        try {
            return new Block(new byte[] {0, 0, 0, 0, 1, 0, 0, 0}, "<empty>", 0);
        } catch (final CorruptionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops the reference to the current block (for iterators kept for reuse); the iterator becomes invalid. */
    void detach() {
        reset(EMPTY_BLOCK, -1);
    }

    /** Repositions this iterator onto another block (unpositioned), reusing its buffers. */
    BlockIterator reset(final Block newBlock, final long newGlobalSeq) {
        this.block = newBlock;
        this.data = newBlock.data;
        this.globalSeq = newGlobalSeq;
        this.current = newBlock.restartsOffset;
        this.nextOffset = newBlock.restartsOffset;
        this.keyLen = 0;
        setInvalid();
        return this;
    }

    private CorruptionException corrupt(final String why) {
        return new CorruptionException(block.file, block.fileOffset, "bad block entry at " + current + ": " + why);
    }

    private int restartPoint(final int index) {
        return Fixed.getInt(data, block.restartsOffset + 4 * index);
    }

    private void seekToRestart(final int index) {
        keyLen = 0;
        nextOffset = restartPoint(index);
    }

    /**
     * Decodes the entry at {@link #nextOffset}; returns false at the end of the block. The common entry (one-byte
     * lengths, no global sequence number) is decoded here, in few enough bytecodes for the JIT to inline this into
     * every caller; at 446 bytecodes the whole decoder was a call per entry on every scan.
     */
    private boolean parseNext() throws IOException {
        final int at = nextOffset;
        final int limit = block.restartsOffset;
        if (at >= 0 && at + 3 <= limit && globalSeq < 0) {
            final int shared = data[at];
            final int nonShared = data[at + 1];
            final int vLen = data[at + 2];
            final int p = at + 3;
            final int newLen = shared + nonShared;
            if ((shared | nonShared | vLen) >= 0 && shared <= keyLen && newLen >= InternalKey.TRAILER_BYTES
                && newLen <= key.length && p + nonShared + vLen <= limit) {
                current = at;
                System.arraycopy(data, p, key, shared, nonShared);
                keyLen = newLen;
                final int valueOff = p + nonShared;
                nextOffset = valueOff + vLen;
                setEntry(key, 0, newLen, data, valueOff, vLen);
                return true;
            }
        }
        return parseNextInGeneral();
    }

    /**
     * {@link #parseNext()} for every case its inlinable common path leaves out: multi-byte lengths, a global
     * sequence number, a key outgrowing the buffer, the end of the block and corruption.
     */
    private boolean parseNextInGeneral() throws IOException {
        current = nextOffset;
        final int limit = block.restartsOffset;
        if (current >= limit) {
            current = limit;
            nextOffset = limit;
            setInvalid();
            return false;
        }
        if (current < 0) {
            throw corrupt("restart offset out of range");
        }
        final int shared;
        final int nonShared;
        final int vLen;
        final int p;
        if (current + 3 <= limit && (data[current] | data[current + 1] | data[current + 2]) >= 0) {
            shared = data[current];
            nonShared = data[current + 1];
            vLen = data[current + 2];
            p = current + 3;
        } else {
            cursor.position(current);
            shared = Varint.getInt(data, cursor, limit);
            nonShared = Varint.getInt(data, cursor, limit);
            vLen = Varint.getInt(data, cursor, limit);
            p = cursor.position();
        }
        if (shared > keyLen || nonShared < 0 || vLen < 0 || (long) p + nonShared + vLen > limit) {
            throw corrupt("lengths out of range");
        }
        final int newLen = shared + nonShared;
        if (newLen < InternalKey.TRAILER_BYTES) {
            throw corrupt("key shorter than its trailer");
        }
        if (globalSeq >= 0 && keyLen >= InternalKey.TRAILER_BYTES) {
            Fixed.putLong(key, keyLen - InternalKey.TRAILER_BYTES, storedTrailer);
        }
        if (key.length < newLen) {
            key = Arrays.copyOf(key, Math.max(newLen, key.length * 2));
        }
        System.arraycopy(data, p, key, shared, nonShared);
        keyLen = newLen;
        final int valueOff = p + nonShared;
        nextOffset = valueOff + vLen;
        if (globalSeq >= 0) {
            storedTrailer = Fixed.getLong(key, keyLen - InternalKey.TRAILER_BYTES);
            Fixed.putLong(key, keyLen - InternalKey.TRAILER_BYTES,
                InternalKey.trailer(globalSeq, InternalKey.kindOf(storedTrailer)));
        }
        setEntry(key, 0, newLen, data, valueOff, vLen);
        return true;
    }

    @Override
    public void seekToFirst() throws IOException {
        seekToRestart(0);
        parseNext();
    }

    @Override
    public void seekToLast() throws IOException {
        seekToRestart(block.restartCount - 1);
        while (parseNext() && nextOffset < block.restartsOffset) {
            // advance to the last entry
        }
    }

    private int compareRestartKey(final int index, final byte[] target) throws IOException {
        final int at = restartPoint(index);
        final int limit = block.restartsOffset;
        if (at < 0 || at >= limit) {
            throw corrupt("restart point out of range");
        }
        final int shared;
        final int nonShared;
        final int p;
        if (at + 3 <= limit && (data[at] | data[at + 1] | data[at + 2]) >= 0) {
            shared = data[at];
            nonShared = data[at + 1];
            p = at + 3;
        } else {
            cursor.position(at);
            shared = Varint.getInt(data, cursor, limit);
            nonShared = Varint.getInt(data, cursor, limit);
            Varint.getInt(data, cursor, limit);
            p = cursor.position();
        }
        if (shared != 0 || nonShared < InternalKey.TRAILER_BYTES || (long) p + nonShared > limit) {
            throw corrupt("bad restart entry");
        }
        if (globalSeq < 0) {
            return KeyComparator.compareInternal(data, p, nonShared, target, 0, target.length);
        }
        final int userLen = nonShared - InternalKey.TRAILER_BYTES;
        final int c = Arrays.compareUnsigned(data, p, p + userLen, target, 0,
            target.length - InternalKey.TRAILER_BYTES);
        if (c != 0) {
            return c;
        }
        final long mine = InternalKey.trailer(globalSeq, data[p + userLen] & 0xff);
        final long theirs = InternalKey.trailerOf(target, 0, target.length);
        return Long.compareUnsigned(theirs, mine);
    }

    @Override
    public void seek(final byte[] target) throws IOException {
        int lo = 0;
        int hi = block.restartCount - 1;
        while (lo < hi) {
            final int mid = (lo + hi + 1) >>> 1;
            if (compareRestartKey(mid, target) < 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        seekToRestart(lo);
        while (parseNext()) {
            if (KeyComparator.compareInternal(key, 0, keyLen, target, 0, target.length) >= 0) {
                return;
            }
        }
    }

    @Override
    public void next() throws IOException {
        parseNext();
    }

    @Override
    public void prev() throws IOException {
        final int original = current;
        if (restartPoint(0) >= original) {
            current = block.restartsOffset;
            nextOffset = block.restartsOffset;
            setInvalid();
            return;
        }
        int lo = 0;
        int hi = block.restartCount - 1;
        while (lo < hi) {
            final int mid = (lo + hi + 1) >>> 1;
            if (restartPoint(mid) < original) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        seekToRestart(lo);
        while (parseNext() && nextOffset < original) {
            // advance to the entry just before the original one
        }
    }
}
