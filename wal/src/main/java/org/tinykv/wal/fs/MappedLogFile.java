package org.tinykv.wal.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A log file whose appends are copied straight into a shared memory map of the file: an append is a memory copy
 * with no system call, and like a {@code write(2)} it is in the operating system's page cache when it returns, so it
 * survives a crash of the process (not of the machine: only {@link #sync()} makes it durable).
 *
 * <p>The file grows in regions of {@link #REGION_BYTES}: each region is first written with zeros through the
 * channel (so that a full disk fails that write with an {@link IOException} instead of faulting a later store into
 * an unbacked page), then mapped. The unwritten part of the last region is zeros, which the log format reads as the
 * end of the log; {@link #close()} truncates the file to what was appended.
 *
 * <p>{@link #sync()} is {@code fdatasync} of the file, which on Linux also writes back the pages dirtied through the
 * mapping (one page cache serves both). {@link #preallocate} makes the zeros of the regions up to the given size
 * durable, so that a later sync persists data only, not a new file size.
 *
 * <p>Thread-safety: confined to one thread at a time, like every {@link WritableFile}.
 */
final class MappedLogFile implements WritableFile {

    /** Bytes mapped at a time. */
    static final int REGION_BYTES = 4 << 20;
    private static final int ZERO_WRITE_BYTES = 64 << 10;

    private final String name;
    private final FileChannel channel;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_WRITE_BYTES);
    private MappedByteBuffer region;
    private long regionStart;
    /** End of the zero-filled (written, not necessarily durable) extent of the file. */
    private long zeroedEnd;
    /** End of the extent whose zeros and size are durable. */
    private long durableEnd;
    private long size;
    private boolean closed;

    MappedLogFile(final String name, final FileChannel channel) {
        this.name = name;
        this.channel = channel;
    }

    @Override
    public void append(final byte[] source, final int offset, final int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, source.length);
        int position = offset;
        int left = length;
        while (left > 0) {
            final int room = roomInRegion();
            final int n = Math.min(room, left);
            try {
                region.put((int) (size - regionStart), source, position, n);
            } catch (final InternalError e) {
                throw new IOException(name + ": write into the mapped log failed at offset " + size, e);
            }
            size += n;
            position += n;
            left -= n;
        }
    }

    @Override
    public void append(final ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            final int n = Math.min(roomInRegion(), source.remaining());
            try {
                region.put((int) (size - regionStart), source, source.position(), n);
            } catch (final InternalError e) {
                throw new IOException(name + ": write into the mapped log failed at offset " + size, e);
            }
            source.position(source.position() + n);
            size += n;
        }
    }

    /** Bytes left in the current region, mapping the next region first when the current one is full. */
    private int roomInRegion() throws IOException {
        if (closed) {
            throw new IOException(name + ": append after close");
        }
        if (region == null || size == regionStart + region.capacity()) {
            final long start = size;
            zeroFill(start + REGION_BYTES);
            final MappedByteBuffer next = channel.map(FileChannel.MapMode.READ_WRITE, start, REGION_BYTES);
            if (region != null) {
                MappedFiles.unmap(region);
            }
            region = next;
            regionStart = start;
        }
        return (int) (regionStart + region.capacity() - size);
    }

    /** Extends the zero-filled extent of the file to at least {@code end} with positional writes of zeros. */
    private void zeroFill(final long end) throws IOException {
        OsFileSystem.writeZeros(channel, zeros, Math.max(zeroedEnd, size), end);
        zeroedEnd = Math.max(zeroedEnd, end);
    }

    /** Appended bytes are in the page cache already. */
    @Override
    public void flush() {
    }

    @Override
    public void sync() throws IOException {
        channel.force(false);
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
            if (region != null) {
                MappedFiles.unmap(region);
                region = null;
            }
            channel.truncate(size);
        } finally {
            channel.close();
        }
    }
}
