package org.tinykv.wal;

import org.tinykv.wal.fs.WritableFile;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The in-memory end of a log: records formatted by a {@code RecordWriter} wait here until the {@link LogWriter}
 * hands them to the file. {@link #size()} is the log offset just past the buffered bytes, so the record writer
 * keeps the block structure of the file. Swapping out the bytes ({@link #swap}) lets the file be written while
 * appends continue into a second array.
 *
 * <p>Thread-safety: externally synchronized (the log writer's append lock).
 */
final class PendingBuffer implements WritableFile {

    private byte[] bytes;
    private int count;
    private long base;

    PendingBuffer(final long base, final int capacity) {
        this.base = base;
        this.bytes = new byte[capacity];
    }

    @Override
    public void append(final byte[] source, final int offset, final int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, count, length);
        count += length;
    }

    @Override
    public void append(final ByteBuffer source) {
        final int length = source.remaining();
        ensure(length);
        source.get(bytes, count, length);
        count += length;
    }

    @Override
    public void flush() {
    }

    @Override
    public void sync() {
    }

    @Override
    public long size() {
        return base + count;
    }

    @Override
    public void close() {
    }

    /** The number of buffered bytes. */
    int count() {
        return count;
    }

    /** Returns the buffered bytes (valid up to the count read before) and continues into {@code spare}. */
    byte[] swap(final byte[] spare) {
        final byte[] out = bytes;
        base += count;
        count = 0;
        bytes = spare;
        return out;
    }

    private void ensure(final int length) {
        if (count + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + length));
        }
    }
}
