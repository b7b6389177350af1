package org.tinykv.wal.fs.mem;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The contents of one in-memory file (an inode): the current bytes, as a process would read them, and how much of
 * them is durable.
 *
 * <p>The durable image is {@code data[0, syncedWritten)} followed by zeros up to {@code syncedLength}: appends only
 * ever write at the end of what was written before, and preallocated space is zeros made durable at once.
 *
 * <p>Thread-safety: every access synchronizes on the instance.
 */
final class MemFile {

    private byte[] data = new byte[0];
    private int length;
    private int written;
    private int syncedWritten;
    private int syncedLength;

    synchronized int length() {
        return length;
    }

    /** Writes {@code count} bytes at {@code position} (an append of a handle), growing the file as needed. */
    synchronized void write(final long position, final byte[] source, final int offset, final int count) {
        final long end = position + count;
        if (end > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("in-memory file larger than 2 GiB");
        }
        ensureCapacity((int) end);
        System.arraycopy(source, offset, data, (int) position, count);
        length = Math.max(length, (int) end);
        written = Math.max(written, (int) end);
    }

    synchronized int read(final long position, final byte[] target, final int offset, final int count) {
        if (position >= length) {
            return 0;
        }
        final int n = (int) Math.min(count, length - position);
        System.arraycopy(data, (int) position, target, offset, n);
        return n;
    }

    /** Makes every byte written so far and the current length durable. */
    synchronized void sync() {
        syncedWritten = written;
        syncedLength = length;
    }

    /** Extends the file with zeros to {@code total} bytes; the extension is durable at once. */
    synchronized void preallocate(final long total) {
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("in-memory file larger than 2 GiB");
        }
        if (total > length) {
            ensureCapacity((int) total);
            length = (int) total;
        }
        syncedLength = Math.max(syncedLength, (int) total);
    }

    /** Truncates the file to empty; the truncation is treated as durable at once (the pessimistic choice). */
    synchronized void truncate() {
        data = new byte[0];
        length = 0;
        written = 0;
        syncedWritten = 0;
        syncedLength = 0;
    }

    /**
     * Returns a copy holding only the durable image, plus (if {@code rnd} is not null) a random prefix of the bytes
     * written after the last sync, as a crash in the middle of writing them would leave.
     */
    synchronized MemFile crashCopy(final RandomGenerator rnd) {
        int kept = syncedWritten;
        if (rnd != null && written > syncedWritten) {
            kept += rnd.nextInt(written - syncedWritten + 1);
        }
        final MemFile copy = new MemFile();
        final int newLength = Math.max(syncedLength, kept);
        copy.data = new byte[newLength];
        System.arraycopy(data, 0, copy.data, 0, kept);
        copy.length = newLength;
        copy.written = kept;
        copy.syncedWritten = kept;
        copy.syncedLength = newLength;
        return copy;
    }

    private void ensureCapacity(final int capacity) {
        if (capacity > data.length) {
            final long grown = Math.min(Integer.MAX_VALUE - 8, Math.max(64L, data.length * 2L));
            data = Arrays.copyOf(data, (int) Math.max(capacity, grown));
        }
    }
}
