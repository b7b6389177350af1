package org.tinykv.wal.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A log file that copies appends straight into a shared memory map of the file while nobody syncs it, and writes
 * them through the channel while somebody does.
 *
 * <p>Mapped: an append is a memory copy with no system call, and like a {@code write(2)} it is in the operating
 * system's page cache when it returns, so it survives a crash of the process (not of the machine). The file grows in
 * regions of {@link #REGION_BYTES}, each first written with zeros through the channel (so that a full disk fails
 * that write with an {@link IOException} instead of faulting a later store into an unbacked page) and then mapped.
 *
 * <p>Written: a {@link #sync()} unmaps the region and appends go through a user-space buffer and positional writes,
 * handed to the operating system by {@link #flush()}. A synced page that is still mapped writable costs the kernel a
 * write-protect pass at every fdatasync and the writer a page fault at its next append, which made a sync per write
 * slower than with plain writes; so the file stays written while syncs keep coming, and maps again after
 * {@link #REMAP_AFTER_BYTES} bytes appended without one.
 *
 * <p>Either way the unwritten part of the file is zeros, which the log format reads as the end of the log, and
 * {@link #close()} truncates the file to what was appended. {@link #sync()} is {@code fdatasync}, which on Linux also
 * writes back pages dirtied through a mapping (one page cache serves both). {@link #preallocate} makes the zeros up
 * to a size durable, so that a later sync persists data only, not a new file size.
 *
 * <p>Thread-safety: confined to one thread at a time, like every {@link WritableFile}.
 */
final class MappedLogFile implements WritableFile {

    /** Bytes mapped at a time. */
    static final int REGION_BYTES = 4 << 20;
    /** Bytes appended without a sync after which a written file maps again. */
    static final int REMAP_AFTER_BYTES = 1 << 20;
    private static final int BUFFER_BYTES = 64 << 10;

    private final String name;
    private final FileChannel channel;
    /** Zeros for region filling (never written to), and the write buffer of the written mode. */
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private MappedByteBuffer region;
    private long regionStart;
    /** End of the zero-filled (written, not necessarily durable) extent of the file. */
    private long zeroedEnd;
    /** End of the extent whose zeros and size are durable. */
    private long durableEnd;
    /** Bytes appended (mapped, buffered or written). */
    private long size;
    /** In the written mode, the file offset where {@link #buffer}'s bytes go. */
    private long bufferStart;
    private boolean syncing;
    private long appendedSinceSync;
    private boolean closed;

    MappedLogFile(final String name, final FileChannel channel) {
        this.name = name;
        this.channel = channel;
    }

    /** The record writer's path: array puts, so an append allocates nothing. */
    @Override
    public void append(final byte[] source, final int offset, final int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, source.length);
        beginAppend(length);
        int position = offset;
        int left = length;
        while (left > 0) {
            final int n = Math.min(left, syncing ? bufferSpace() : regionSpace());
            if (syncing) {
                buffer.put(source, position, n);
            } else {
                region.put((int) (size - regionStart), source, position, n);
            }
            position += n;
            left -= n;
            size += n;
        }
    }

    private void beginAppend(final int length) throws IOException {
        if (closed) {
            throw new IOException(name + ": append after close");
        }
        appendedSinceSync += length;
        if (syncing && appendedSinceSync >= REMAP_AFTER_BYTES) {
            flush();
            syncing = false;
        }
    }

    @Override
    public void append(final ByteBuffer source) throws IOException {
        beginAppend(source.remaining());
        while (source.hasRemaining()) {
            final int n = Math.min(source.remaining(), syncing ? bufferSpace() : regionSpace());
            final ByteBuffer into = syncing ? buffer : region;
            final int at = syncing ? buffer.position() : (int) (size - regionStart);
            into.put(at, source, source.position(), n);
            if (syncing) {
                buffer.position(at + n);
            }
            source.position(source.position() + n);
            size += n;
        }
    }

    /** Room left in the write buffer, writing it out first when it is full. */
    private int bufferSpace() throws IOException {
        if (!buffer.hasRemaining()) {
            flush();
        }
        return buffer.remaining();
    }

    /** Room left in the mapped region, mapping the next region first when there is none. */
    private int regionSpace() throws IOException {
        if (region == null || size == regionStart + region.capacity()) {
            final long start = size;
            zeroFill(start + REGION_BYTES);
            final MappedByteBuffer next = channel.map(FileChannel.MapMode.READ_WRITE, start, REGION_BYTES);
            unmapRegion();
            region = next;
            regionStart = start;
        }
        return (int) (regionStart + region.capacity() - size);
    }

    private void unmapRegion() {
        if (region != null) {
            MappedFiles.unmap(region);
            region = null;
        }
    }

    /** Extends the zero-filled extent of the file to at least {@code end} with positional writes of zeros. */
    private void zeroFill(final long end) throws IOException {
        OsFileSystem.writeZeros(channel, zeros, Math.max(zeroedEnd, size), end);
        zeroedEnd = Math.max(zeroedEnd, end);
    }

    /** Mapped appends are in the page cache already; buffered ones are written now. */
    @Override
    public void flush() throws IOException {
        if (buffer.position() > 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                bufferStart += channel.write(buffer, bufferStart);
            }
            buffer.clear();
        }
        bufferStart = size;
    }

    @Override
    public void sync() throws IOException {
        if (!syncing) {
            unmapRegion();
            syncing = true;
        }
        flush();
        channel.force(false);
        appendedSinceSync = 0;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void preallocate(final long totalBytes) throws IOException {
        if (totalBytes <= durableEnd) {
            return;
        }
        flush();
        zeroFill(totalBytes);
        channel.force(true);
        durableEnd = zeroedEnd;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
            unmapRegion();
            channel.truncate(size);
        } finally {
            channel.close();
        }
    }
}
